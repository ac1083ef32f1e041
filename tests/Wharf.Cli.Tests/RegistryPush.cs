using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Cli.Tests;

/// <summary>
/// The smallest pushes that put real content into the registry, as a client would over <c>/v2/</c>: blobs in one
/// request each (<c>POST ?digest=</c>), then the manifest by tag or digest.
/// </summary>
internal static class RegistryPush
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An image of one config and one layer (bytes derived from <paramref name="label"/>); returns its digest and blob bytes.</summary>
    public static async Task<(string Digest, long BlobBytes)> ImageAsync(HttpClient http, string repository, string label, params string[] tags)
    {
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","author":"{{label}}"}""");
        var layer = Encoding.UTF8.GetBytes($"layer of {label}\n");
        await BlobAsync(http, repository, config);
        await BlobAsync(http, repository, layer);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestType}}",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest(config)}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{Digest(layer)}}","size":{{layer.Length}}}]}
            """);
        var digest = Digest(manifest);
        foreach (var reference in tags.Length == 0 ? [digest] : tags)
        {
            await ManifestAsync(http, repository, reference, manifest);
        }

        return (digest, config.Length + layer.Length);
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static async Task BlobAsync(HttpClient http, string repository, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={Digest(content)}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task ManifestAsync(HttpClient http, string repository, string reference, byte[] manifest)
    {
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var response = await http.PutAsync($"/v2/{repository}/manifests/{reference}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
