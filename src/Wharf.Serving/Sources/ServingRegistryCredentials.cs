using Microsoft.Extensions.Options;
using Wharf.Oci.Registry;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Sources;

/// <summary>
/// Registry credentials from <c>Serving:Registry:Username</c>/<c>:Password</c>; with only a password, or else with
/// <c>$WHARF_TOKEN</c>, that token is presented as Wharf's registry takes it (Basic, any username, the token as the
/// password, which also fetches a Bearer token from the token endpoint). <c>wharf serve</c> replaces this with the
/// CLI's stored login.
/// </summary>
internal sealed class ServingRegistryCredentials(IOptions<ServingOptions> options) : IRegistryCredentialProvider
{
    public const string TokenEnvironmentVariable = "WHARF_TOKEN";

    public ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Registry;
        if (settings is { Username.Length: > 0, Password: not null })
        {
            return ValueTask.FromResult<RegistryCredentials?>(RegistryCredentials.Basic(settings.Username, settings.Password));
        }

        var token = settings.Password is { Length: > 0 } password ? password : Environment.GetEnvironmentVariable(TokenEnvironmentVariable);
        return ValueTask.FromResult(token is { Length: > 0 } ? RegistryCredentials.Basic("wharf", token.Trim()) : null);
    }
}
