using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Wharf.Server.Auth;

/// <summary>A row of <c>projects</c>: the unit of ownership; its name is the first component of its repositories.</summary>
internal sealed partial class Project
{
    public const int MaxNameLength = 64;

    public long Id { get; set; }

    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// A project name is a registry name component (<c>[a-z0-9]+(?:[._-][a-z0-9]+)*</c>) so that
    /// <c>&lt;project&gt;/&lt;repo&gt;</c> is always a valid repository name and the project is recoverable from it.
    /// </summary>
    public static bool IsValidName([NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
