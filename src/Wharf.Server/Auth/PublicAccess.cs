namespace Wharf.Server.Auth;

/// <summary>An endpoint anyone may call, declared as such with the reason it must be open.</summary>
internal sealed class PublicAccess(string reason) : EndpointAccess
{
    public string Reason { get; } = string.IsNullOrWhiteSpace(reason)
        ? throw new ArgumentException("A public endpoint must say why it is public.", nameof(reason))
        : reason;

    public override string Describe() => $"public ({Reason})";
}
