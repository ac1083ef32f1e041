using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// The checks of the OCI distribution conformance suite (pull, push, content discovery, content management, every
/// data kind) plus the hostile-input checks Wharf promises, written against nothing but an <see cref="HttpClient"/>
/// whose base address is a registry root.
/// <para>
/// The suite is layered by who must pass it. This class holds what the distribution spec requires and what CNCF
/// distribution 2.8 (the reference implementation, run by <see cref="DistributionConformanceTests"/>) does, so every
/// check here is proven against a real registry. <see cref="Oci11ConformanceTests"/> adds what OCI 1.1 and the
/// upstream suite require that 2.8 predates (referrers, chunk ordering, tag pagination, sha512, 413), and
/// <see cref="WharfRegistryPolicyTests"/> adds Wharf's own stricter answers where the spec leaves a choice. A registry
/// inherits the deepest layer it implements, so no check is ever reported as passing without asserting.
/// </para>
/// Every test works in its own repository (<c>conf/&lt;purpose&gt;-&lt;guid&gt;</c>), so tests are independent.
/// </summary>
public abstract partial class RegistryConformanceTests
{
    protected RegistryConformanceTests(HttpClient http) => Registry = new RegistryTestClient(http);

    protected RegistryTestClient Registry { get; }

    /// <summary>A repository no other test uses, under the project segment Wharf requires.</summary>
    protected static string NewRepository(string purpose) => $"conf/{purpose}-{Guid.NewGuid():N}";

    [Fact]
    public async Task BaseEndpoint_Get_Returns200()
    {
        var response = await Registry.GetAsync("/v2/");

        RegistryAssert.Status(HttpStatusCode.OK, response);
    }

    /// <summary>An image that must come back byte for byte after whatever a hostile test threw at the registry.</summary>
    protected async Task<TestImage> PushBystanderAsync(string repository)
    {
        var image = TestImages.Create("image");
        await Registry.PushImageAsync(repository, image);
        return image;
    }

    protected async Task AssertImageIntactAsync(string repository, TestImage image)
    {
        foreach (var (tag, manifest) in image.Tags)
        {
            var response = await Registry.GetManifestAsync(repository, tag);
            RegistryAssert.Status(HttpStatusCode.OK, response, $"bystander tag {tag}");
            RegistryAssert.Body(manifest.Content, response, $"bystander tag {tag}");
        }

        foreach (var blob in image.Blobs)
        {
            var response = await Registry.GetBlobAsync(repository, blob.Digest);
            RegistryAssert.Status(HttpStatusCode.OK, response, $"bystander blob {blob.Digest}");
            RegistryAssert.Body(blob.Content, response, $"bystander blob {blob.Digest}");
        }
    }
}
