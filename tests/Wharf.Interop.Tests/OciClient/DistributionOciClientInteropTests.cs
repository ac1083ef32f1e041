using Wharf.Interop.Tests.Infrastructure;
using Wharf.Interop.Tests.Registry;
using Wharf.Oci.Registry;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>The OCI client against CNCF distribution 2.8 (no auth), the reference registry.</summary>
[Collection(InteropCollection.Name)]
public sealed class DistributionOciClientInteropTests(DistributionRegistryFixture registry) : OciClientInteropTests, IClassFixture<DistributionRegistryFixture>
{
    private protected override string Host => registry.Host;

    private protected override Task<(string Namespace, IRegistryCredentialProvider? Credentials)> NewNamespaceAsync()
        => Task.FromResult<(string, IRegistryCredentialProvider?)>(($"t{Guid.NewGuid():N}"[..12], null));
}
