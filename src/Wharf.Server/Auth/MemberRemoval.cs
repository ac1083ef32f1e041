namespace Wharf.Server.Auth;

/// <summary>What <see cref="AuthDirectory.RemoveUserUnlessLastOwnerAsync"/> did.</summary>
internal enum MemberRemoval
{
    Removed = 1,
    NotMember = 2,
    LastOwner = 3,
}
