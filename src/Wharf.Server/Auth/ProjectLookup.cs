namespace Wharf.Server.Auth;

/// <summary>What an <see cref="IProjectLocator"/> found: a project name, a missing object, or an unreadable request.</summary>
internal readonly record struct ProjectLookup(string? Project, string? Error)
{
    public static ProjectLookup Missing => default;

    public static ProjectLookup Found(string project) => new(project, null);

    public static ProjectLookup Invalid(string error) => new(null, error);
}
