using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Data;

/// <summary>The SQLite flavour of <see cref="WharfDbContext"/>; owns the migrations in <c>Migrations/Sqlite</c>.</summary>
internal sealed class SqliteWharfDbContext(DbContextOptions<SqliteWharfDbContext> options) : WharfDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date type: EF would store DateTimeOffset as text it cannot compare or order in SQL.
        // UTC ticks in an INTEGER compare and order correctly whatever offset a value was written with.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    public override object ToStoreTime(DateTimeOffset value) => value.UtcTicks;
}
