namespace Wharf.Server.Auth;

internal enum PrincipalKind
{
    User = 1,
    ServiceAccount = 2,
}
