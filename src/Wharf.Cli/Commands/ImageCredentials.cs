using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// Credentials per registry for the image verbs: the Wharf server's own registry gets the CLI's token (from
/// <c>--token</c>, <c>$WHARF_TOKEN</c> or <c>wharf login</c>) as a Basic password, which the registry accepts directly
/// and at its token endpoint; every other registry gets <c>--creds</c>, or nothing. The token is never sent elsewhere.
/// </summary>
internal sealed class ImageCredentials(string wharfRegistry, string? token, RegistryCredentials? others) : IRegistryCredentialProvider
{
    public ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(string.Equals(registry, wharfRegistry, StringComparison.OrdinalIgnoreCase)
            ? token is { Length: > 0 } ? RegistryCredentials.Basic("wharf", token) : others
            : others);
}
