namespace Wharf.Server.Auth;

/// <summary>
/// A scope on the project the addressed object belongs to. The project comes from <see cref="Locator"/>, which reads
/// it from the stored object (or from a name whose first segment is the project), never from a request parameter
/// that names the project separately from the object.
/// </summary>
internal sealed class ProjectScopeAccess : EndpointAccess
{
    public ProjectScopeAccess(Scope scope, IProjectLocator locator)
    {
        if (scope == Scope.None || (scope & ~Scopes.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "A project-scoped endpoint needs known scopes.");
        }

        Scope = scope;
        Locator = locator ?? throw new ArgumentNullException(nameof(locator));
    }

    /// <summary>For Razor pages: the project is the first segment of the repository in route value or query <paramref name="repositoryParameter"/>.</summary>
    public ProjectScopeAccess(Scope scope, string repositoryParameter)
        : this(scope, ProjectLocators.Repository(repositoryParameter))
    {
    }

    /// <summary>Every scope the caller needs, all of them, on the located project.</summary>
    public Scope Scope { get; }

    public IProjectLocator Locator { get; }

    public override string Describe() => $"{string.Join('+', Scopes.Names(Scope))} on the project of {Locator.Describe()}";
}
