namespace Wharf.Server.Auth;

/// <summary>Server administrators only: operations on the whole installation (garbage collection, fsck, metrics).</summary>
internal sealed class AdminAccess : EndpointAccess
{
    public override string Describe() => "administrator";
}
