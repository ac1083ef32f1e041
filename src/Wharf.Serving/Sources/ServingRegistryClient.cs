using Microsoft.Extensions.Options;
using Wharf.Oci.Registry;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Sources;

/// <summary>The one <see cref="RegistryClient"/> of this server (it keeps connections and tokens), made on first use.</summary>
internal sealed class ServingRegistryClient(IOptions<ServingOptions> options, IRegistryCredentialProvider credentials) : IDisposable
{
    private readonly Lazy<RegistryClient> client = new(() => new RegistryClient(new RegistryClientOptions
    {
        Credentials = credentials,
        PlainHttp = options.Value.Registry.PlainHttp,
        UserAgent = "wharf-serve",
    }));

    public RegistryClient Client => client.Value;

    public void Dispose()
    {
        if (client.IsValueCreated)
        {
            client.Value.Dispose();
        }
    }
}
