using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Wharf.Server.Data;

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks, so SQLite can compare and order it.</summary>
internal sealed class UtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
