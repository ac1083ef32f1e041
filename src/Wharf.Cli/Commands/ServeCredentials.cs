using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// Registry credentials for <c>wharf serve</c>: the Wharf server's own registry gets the CLI's token (<c>--token</c>,
/// <c>$WHARF_TOKEN</c>, <c>wharf login</c>, or the local administrator's), every other registry what wharf-serve's
/// configuration says (<c>Serving:Registry:Username/Password</c>).
/// </summary>
internal sealed class ServeCredentials(string wharfRegistry, string? token, IRegistryCredentialProvider others) : IRegistryCredentialProvider
{
    public ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default)
        => string.Equals(registry, wharfRegistry, StringComparison.OrdinalIgnoreCase) && token is { Length: > 0 }
            ? ValueTask.FromResult<RegistryCredentials?>(RegistryCredentials.Basic("wharf", token))
            : others.GetCredentialsAsync(registry, cancellationToken);
}
