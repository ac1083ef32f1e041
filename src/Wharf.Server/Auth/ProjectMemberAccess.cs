namespace Wharf.Server.Auth;

/// <summary>
/// Any scope at all on the located project: for reading the project itself (its details, its members), which every
/// role may do. No single scope stands for "is a member", so this is its own kind rather than a
/// <see cref="ProjectScopeAccess"/> with a made-up scope.
/// </summary>
internal sealed class ProjectMemberAccess(IProjectLocator locator) : EndpointAccess
{
    public IProjectLocator Locator { get; } = locator ?? throw new ArgumentNullException(nameof(locator));

    public override string Describe() => $"any role on the project of {Locator.Describe()}";
}
