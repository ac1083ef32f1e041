namespace Wharf.Server.Auth;

/// <summary>
/// The OCI distribution surface (<c>/v2/</c>). The middleware lets the request through and every handler asks
/// <c>IRegistryAuthorizer</c> for the repository and actions it needs: only the handler knows them (a blob mount needs
/// pull on the source and push on the target), and a refusal must be the registry's Bearer challenge that makes
/// docker, podman and skopeo fetch a token.
/// </summary>
internal sealed class RegistryProtocolAccess : EndpointAccess
{
    public override string Describe() => "registry protocol (per-repository scopes, Bearer challenge)";
}
