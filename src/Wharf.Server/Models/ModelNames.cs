using System.Text.RegularExpressions;
using Wharf.Server.Auth;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// Model names as MLflow clients send them and as Wharf stores them. A stored name is one OCI path component
/// (<c>[a-z0-9]+([._-][a-z0-9]+)*</c>), because the versions are the repository <c>&lt;project&gt;/models/&lt;name&gt;</c>.
/// On the wire a name is either bare (<c>churn</c>: looked up among the caller's projects) or qualified
/// (<c>&lt;project&gt;/churn</c>). Responses name a model bare to a caller of exactly one project with models:read, and
/// qualified to everyone else, so a name read from a response always finds the same model again.
/// </summary>
internal static partial class ModelNames
{
    /// <summary>A name as addressed: the project when qualified, and the stored name.</summary>
    public readonly record struct Addressed(string? Project, string Name);

    /// <summary>Splits and validates <paramref name="name"/>; throws INVALID_PARAMETER_VALUE saying what is wrong.</summary>
    public static Addressed Parse(string name)
    {
        if (TryParse(name, out var addressed, out var error))
        {
            return addressed;
        }

        throw MlflowException.Invalid(error);
    }

    public static bool TryParse(string? name, out Addressed addressed, out string error)
    {
        addressed = default;
        if (string.IsNullOrEmpty(name))
        {
            error = "Registered model name cannot be empty.";
            return false;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var project = slash >= 0 ? name[..slash] : null;
        var bare = slash >= 0 ? name[(slash + 1)..] : name;
        if (project is not null && !Project.IsValidName(project))
        {
            error = $"Invalid model name '{MlflowRequest.Clip(name)}': '<project>/<model>' needs an existing project name before the '/'.";
            return false;
        }

        if (bare.Length > RegisteredModel.MaxNameLength || !NamePattern().IsMatch(bare))
        {
            error = $"Invalid model name '{MlflowRequest.Clip(name)}': a model name must be a valid OCI repository path component " +
                $"(lowercase letters and digits, separated by single '.', '_' or '-'; at most {RegisteredModel.MaxNameLength} characters), " +
                "optionally prefixed by '<project>/'.";
            return false;
        }

        addressed = new Addressed(project, bare);
        error = "";
        return true;
    }

    /// <summary>The registry repository of a model's versions.</summary>
    public static string Repository(string project, string name) => $"{project}/models/{name}";

    /// <summary>The name of a model as this caller should see it (see the class remarks).</summary>
    public static string Display(AuthPrincipal caller, string project, string name) =>
        ModelAccess.OnlyReadableProject(caller) == project ? name : $"{project}/{name}";

    /// <summary>
    /// Checks an alias name: a valid registry tag that is neither <c>latest</c> (MLflow reserves it) nor <c>v&lt;digits&gt;</c>
    /// (the tags of versions).
    /// </summary>
    public static string Alias(string? alias)
    {
        if (string.IsNullOrEmpty(alias))
        {
            throw MlflowRequest.Missing("alias");
        }

        if (alias.Length > ModelAlias.MaxLength || alias.Contains('/', StringComparison.Ordinal) || alias.Contains(':', StringComparison.Ordinal)
            || !RepositoryName.IsValidTag(alias))
        {
            throw MlflowException.Invalid(
                $"Invalid alias '{MlflowRequest.Clip(alias)}': an alias is also a registry tag, so it must match [A-Za-z0-9_][A-Za-z0-9._-]* " +
                $"(at most {ModelAlias.MaxLength} characters, no '/' or ':').");
        }

        if (string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase))
        {
            throw MlflowException.Invalid("'latest' alias name (case insensitive) is reserved.");
        }

        if (VersionTagPattern().IsMatch(alias))
        {
            throw MlflowException.Invalid(
                $"Invalid alias '{MlflowRequest.Clip(alias)}': names of the form 'v<number>' are the registry tags of versions.");
        }

        return alias;
    }

    public static string VersionTag(int version) => $"v{version}";

    [GeneratedRegex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[vV][0-9]+$")]
    private static partial Regex VersionTagPattern();
}
