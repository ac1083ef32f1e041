using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Hostile input that every registry must survive: traversal in names, malformed names and digests, truncated
// bodies. The invariants are the same everywhere: refused without a server error, nothing stored, bystanders intact.
// Wharf's exact answers (400 with NAME_INVALID/DIGEST_INVALID) are in WharfRegistryPolicyTests.
public abstract partial class RegistryConformanceTests
{
    /// <summary>Ways to spell a parent-directory segment in a URL path (each followed by a slash).</summary>
    public static TheoryData<string> TraversalSegments => ["../", "%2e%2e/", "%2E%2E/", ".%2e/", "%252e%252e/", "..%2f", "%2e%2e%2f"];

    [Theory]
    [MemberData(nameof(TraversalSegments))]
    public async Task Name_TraversalInBlobRead_IsRefused(string dots)
    {
        var victim = NewRepository("victim");
        var bystander = await PushBystanderAsync(victim);
        var blob = bystander.Blobs[0];
        var victimName = victim["conf/".Length..];

        var response = await Registry.SendAsync(HttpMethod.Get, Registry.Raw($"/v2/conf/elsewhere/{dots}{victimName}/blobs/{blob.Digest}"));

        RegistryAssert.Refused(response);
        await AssertImageIntactAsync(victim, bystander);
    }

    [Theory]
    [MemberData(nameof(TraversalSegments))]
    public async Task Name_TraversalInUpload_IsRefusedAndStoresNothing(string dots)
    {
        var target = NewRepository("escape");
        var targetName = target["conf/".Length..];
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("hostile/traversal-upload", 300));
        var start = Registry.Raw($"/v2/conf/elsewhere/{dots}{targetName}/blobs/uploads/");

        var post = await Registry.SendAsync(HttpMethod.Post, start, new ByteArrayContent([]));
        if (post.Status == HttpStatusCode.Accepted && post.Location is { } location)
        {
            // A registry that opened a session must not let it write anywhere.
            await Registry.PutUploadAsync(location, blob.Digest, blob.Content);
        }

        RegistryAssert.Refused(post, "upload start through a traversal");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(target, blob.Digest), "blob at the traversal's target");
    }

    /// <summary>Names the spec's grammar rejects (each is a complete <c>&lt;name&gt;</c>).</summary>
    public static TheoryData<string> MalformedNames =>
        ["Conf/Upper", "conf//double-slash", "-conf/leading-dash", "conf/trailing-dash-", "conf/dot..dot", "conf/x%20space", "conf/.hidden", "conf/tri___underscore"];

    [Theory]
    [MemberData(nameof(MalformedNames))]
    public async Task Name_Malformed_UploadIsRefused(string name)
    {
        var response = await Registry.SendAsync(HttpMethod.Post, Registry.Raw($"/v2/{name}/blobs/uploads/"), new ByteArrayContent([]));

        RegistryAssert.Refused(response);
    }

    /// <summary>Digests the grammar rejects: short, non-hex, unknown algorithm, missing colon, wrong length.</summary>
    public static TheoryData<string> MalformedDigests =>
        ["sha256:abc", "sha256:" + new string('Z', 64), "md5:" + new string('0', 32), "sha256" + new string('0', 64), "sha256:" + new string('0', 63), "sha512:" + new string('0', 64)];

    [Theory]
    [MemberData(nameof(MalformedDigests))]
    public async Task Digest_MalformedInBlobRead_IsRefused(string digest)
    {
        var repository = NewRepository("bad-digest");
        await PushBystanderAsync(repository);

        var response = await Registry.SendAsync(HttpMethod.Get, Registry.Raw($"/v2/{repository}/blobs/{digest}"));

        RegistryAssert.Refused(response);
        if (response.Status == HttpStatusCode.BadRequest)
        {
            RegistryAssert.Error(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        }
    }

    [Theory]
    [MemberData(nameof(MalformedDigests))]
    public async Task Digest_MalformedOnUploadClose_Returns400DigestInvalid(string digest)
    {
        var repository = NewRepository("bad-digest");
        var location = await Registry.StartUploadAsync(repository);

        var put = await Registry.PutUploadAsync(location, digest, TestBytes.Create("hostile/bad-digest", 100));

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Upload_TruncatedBody_StoresNothingAndTheRegistryKeepsServing()
    {
        var repository = NewRepository("truncated");
        var bystander = await PushBystanderAsync(repository);
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("hostile/truncated", 64 * 1024));
        var location = await Registry.StartUploadAsync(repository);

        var response = await SendTruncatedAsync(HttpMethod.Put, RegistryTestClient.WithQuery(location, "digest", blob.Digest), blob.Content);

        if (response is not null)
        {
            RegistryAssert.Refused(response, "PUT with a short body");
        }

        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(repository, blob.Digest), "blob after a truncated upload");
        RegistryAssert.Status(HttpStatusCode.OK, await Registry.GetAsync("/v2/"), "registry still serving");
        await AssertImageIntactAsync(repository, bystander);
    }

    [Fact]
    public async Task ManifestPut_TruncatedBody_StoresNothing()
    {
        var repository = NewRepository("truncated");
        var bystander = await PushBystanderAsync(repository);
        var manifest = TestImages.Create("image").Root;

        var response = await SendTruncatedAsync(HttpMethod.Put, $"/v2/{repository}/manifests/truncated", manifest.Content, manifest.MediaType);

        if (response is not null)
        {
            RegistryAssert.Refused(response, "manifest PUT with a short body");
        }

        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "truncated"), "tag after a truncated push");
        await AssertImageIntactAsync(repository, bystander);
    }

    /// <summary>
    /// Sends the first half of <paramref name="content"/> under a Content-Length for all of it. Returns the response
    /// when the server answered, or null when the client gave up first (a socket client refuses to finish a short body).
    /// </summary>
    protected async Task<RegistryResponse?> SendTruncatedAsync(HttpMethod method, string target, byte[] content, string contentType = OciMediaTypes.OctetStream)
    {
        var body = new TruncatedContent(content[..(content.Length / 2)], content.Length);
        body.Headers.TryAddWithoutValidation("Content-Type", contentType);
        try
        {
            return await Registry.SendAsync(method, target, body);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
