using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Wharf.Server.Registry;

/// <summary>
/// A repository name: <c>&lt;project&gt;/&lt;name&gt;[/...]</c>. Each path component follows the distribution
/// specification's grammar (lowercase alphanumerics joined by <c>.</c>, <c>_</c>, <c>__</c> or dashes), so a valid name
/// never contains <c>..</c>, a leading slash, an empty component or anything to decode. The first component is the
/// project: authorization resolves the project from it (see <see cref="Project"/>).
/// </summary>
internal readonly partial record struct RepositoryName
{
    /// <summary>The spec allows up to 255 characters in the whole name (registry host excluded).</summary>
    public const int MaxLength = 255;

    private RepositoryName(string value, int projectLength)
    {
        Value = value;
        Project = value[..projectLength];
    }

    public string Value { get; }

    /// <summary>The first path component, which names the owning project.</summary>
    public string Project { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out RepositoryName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "repository name is empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"repository name is longer than {MaxLength} characters";
            return false;
        }

        if (!NamePattern().IsMatch(value))
        {
            error = $"repository name '{value}' is invalid: use lowercase path components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/'";
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"repository name '{value}' must start with a project: '<project>/{value}'";
            return false;
        }

        name = new RepositoryName(value, slash);
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="value"/> is a valid tag: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
    public static bool IsValidTag(string value) => TagPattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
