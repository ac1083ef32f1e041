namespace Wharf.Server.Auth;

/// <summary>Logger category of the token endpoint (a static class cannot be a type argument).</summary>
internal sealed class RegistryTokenIssuerLog;
