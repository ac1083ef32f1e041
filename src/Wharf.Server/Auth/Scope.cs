namespace Wharf.Server.Auth;

/// <summary>
/// The per-project permissions a token or role can carry. A flags enum so that "token scopes ∩ current role" is one
/// bitwise AND, and so that only the known scopes can ever be represented: there is no wildcard value.
/// Stored as an integer; never renumber a member.
/// </summary>
[Flags]
internal enum Scope
{
    None = 0,
    RegistryPull = 1 << 0,
    RegistryPush = 1 << 1,
    RegistryDelete = 1 << 2,
    TrackingRead = 1 << 3,
    TrackingWrite = 1 << 4,
    ModelsRead = 1 << 5,
    ModelsWrite = 1 << 6,
    ModelsPromote = 1 << 7,
    JobsRead = 1 << 8,
    JobsRun = 1 << 9,
    JobsCancel = 1 << 10,
    ServingRead = 1 << 11,
    ServingDeploy = 1 << 12,
    ServingInvoke = 1 << 13,
    ProjectAdmin = 1 << 14,
}
