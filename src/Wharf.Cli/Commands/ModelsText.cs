using System.CommandLine;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>How the model verbs find a model's project and split <c>&lt;name&gt;@&lt;alias|version&gt;</c>.</summary>
internal static class ModelsText
{
    /// <summary>
    /// The project and bare name of <paramref name="name"/>: its <c>&lt;project&gt;/</c> prefix, else <c>--project</c>,
    /// else the caller's only project with <c>models:read</c>.
    /// </summary>
    public static async Task<(string Project, string Name)> ResolveAsync(WharfClient client, ParseResult parse, string name, CancellationToken cancellationToken)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var option = parse.GetValue(ModelsCommand.ProjectOption);
        if (slash >= 0)
        {
            var prefix = name[..slash];
            if (option is not null && option != prefix)
            {
                throw new ArgumentException($"'{name}' names project '{prefix}' but --project says '{option}'");
            }

            return (prefix, name[(slash + 1)..]);
        }

        return (option ?? await OnlyProjectAsync(client, cancellationToken), name);
    }

    /// <summary>The projects to list: <c>--project</c>, else every project the caller may read models of.</summary>
    public static async Task<IReadOnlyList<string>> ReadableProjectsAsync(WharfClient client, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(ModelsCommand.ProjectOption) is { } project)
        {
            return [project];
        }

        var projects = await client.ListProjectsAsync(cancellationToken);
        return [.. projects.Where(p => p.Scopes.Contains("models:read")).Select(p => p.Name)];
    }

    /// <summary>Splits <c>&lt;name&gt;@&lt;alias|version&gt;</c>; the part after <c>@</c> is null when there is none.</summary>
    public static (string Name, string? Reference) SplitReference(string value)
    {
        var at = value.LastIndexOf('@');
        return at < 0 ? (value, null) : (value[..at], value[(at + 1)..]);
    }

    /// <summary>A version number from <c>3</c> or <c>v3</c>; null for anything else.</summary>
    public static int? Version(string text)
    {
        var digits = text.StartsWith('v') || text.StartsWith('V') ? text[1..] : text;
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : null;
    }

    public static string Aliases(IEnumerable<string> aliases) => string.Join(",", aliases) is { Length: > 0 } text ? text : "-";

    private static async Task<string> OnlyProjectAsync(WharfClient client, CancellationToken cancellationToken)
    {
        var projects = (await client.ListProjectsAsync(cancellationToken)).Where(p => p.Scopes.Contains("models:read")).Select(p => p.Name).ToList();
        return projects.Count == 1
            ? projects[0]
            : throw new ArgumentException(projects.Count == 0
                ? "you may read models in no project"
                : $"you may read models in several projects ({string.Join(", ", projects.Take(10))}); name one with --project or '<project>/<name>'");
    }
}
