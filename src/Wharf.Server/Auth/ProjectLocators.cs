using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>The common ways to find an endpoint's project.</summary>
internal static class ProjectLocators
{
    /// <summary>
    /// A repository or reference (<c>&lt;project&gt;/&lt;name&gt;[:tag|@digest]</c>) in route value or query parameter
    /// <paramref name="parameter"/>: the project is its first segment, which is part of the stored object's name, so it
    /// cannot disagree with the object. The handler still parses the whole value strictly.
    /// </summary>
    public static IProjectLocator Repository(string parameter) => new FirstSegmentLocator(parameter);

    /// <summary>The project named by route value <paramref name="parameter"/>, for endpoints on the project itself.</summary>
    public static IProjectLocator Project(string parameter) => new ProjectNameLocator(parameter);

    /// <summary>A locator that reads the stored object (by id or name from the request) to find its project.</summary>
    public static IProjectLocator Stored(string description, Func<HttpContext, CancellationToken, ValueTask<ProjectLookup>> locate)
        => new StoredLocator(description, locate);

    private static string? Read(HttpContext context, string parameter) =>
        context.Request.RouteValues.TryGetValue(parameter, out var routeValue) && routeValue is string fromRoute
            ? fromRoute
            : context.Request.Query.TryGetValue(parameter, out var fromQuery) && fromQuery.Count == 1 ? fromQuery[0] : null;

    private sealed class FirstSegmentLocator(string parameter) : IProjectLocator
    {
        public ValueTask<ProjectLookup> LocateAsync(HttpContext context, CancellationToken cancellationToken = default)
        {
            var value = Read(context, parameter);
            if (value is null)
            {
                return ValueTask.FromResult(ProjectLookup.Invalid($"'{parameter}' is required: <project>/<name>"));
            }

            // A reference ends in @digest or :tag (a colon after the last slash); the name is what precedes it.
            var name = value;
            var at = name.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                name = name[..at];
            }

            var colon = name.LastIndexOf(':');
            if (colon > name.LastIndexOf('/'))
            {
                name = name[..colon];
            }

            return ValueTask.FromResult(RepositoryName.TryParse(name, out var repository, out var error)
                ? ProjectLookup.Found(repository.Project)
                : ProjectLookup.Invalid(error));
        }

        public string Describe() => $"repository '{parameter}'";
    }

    private sealed class ProjectNameLocator(string parameter) : IProjectLocator
    {
        public ValueTask<ProjectLookup> LocateAsync(HttpContext context, CancellationToken cancellationToken = default)
        {
            var value = Read(context, parameter);
            return ValueTask.FromResult(value is not null && Auth.Project.IsValidName(value)
                ? ProjectLookup.Found(value)
                : ProjectLookup.Invalid($"'{parameter}' must be a project name"));
        }

        public string Describe() => $"project '{parameter}'";
    }

    private sealed class StoredLocator(string description, Func<HttpContext, CancellationToken, ValueTask<ProjectLookup>> locate) : IProjectLocator
    {
        public ValueTask<ProjectLookup> LocateAsync(HttpContext context, CancellationToken cancellationToken = default) => locate(context, cancellationToken);

        public string Describe() => description;
    }
}
