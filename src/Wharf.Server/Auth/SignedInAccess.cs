namespace Wharf.Server.Auth;

/// <summary>
/// Any valid principal (token or UI session). The endpoint itself filters what it returns to the caller's projects, in
/// SQL; use it for listings across projects and for "about me" endpoints, never for an object of one project.
/// </summary>
internal sealed class SignedInAccess : EndpointAccess
{
    public override string Describe() => "signed in";
}
