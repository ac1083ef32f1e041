namespace Wharf.Server.Data;

/// <summary>
/// A server-wide setting (name → value), for the few facts the platform keeps about itself, such as whether the
/// bootstrap admin was created. Changing one is the simplest change that can carry a domain event.
/// </summary>
internal sealed class Setting
{
    public const int MaxNameLength = 200;

    public required string Name { get; init; }

    public required string Value { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
