using System.Text.Json;
using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// What real clients (skopeo, podman) must be able to do with a registry. Every registry under test gets a
/// sealed subclass that only names its fixture, so distribution (the baseline) and Wharf run the same tests.
/// Each test uses repositories of its own, so tests share the server but no state, in any order.
/// </summary>
public abstract class RegistryInteropTests
{
    private const string DockerSchema2 = "application/vnd.docker.distribution.manifest.v2+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";

    private readonly RegistryFixture _registry;
    private readonly TestImagesFixture _images;
    private readonly Skopeo _skopeo;

    private protected RegistryInteropTests(RegistryFixture registry, TestImagesFixture images)
    {
        _registry = registry;
        _images = images;
        _skopeo = new Skopeo(registry.Credentials);
    }

    private OciLayout Layout => _images.Layout;

    [Fact]
    public async Task SkopeoCopy_OciLayoutToRegistry_InspectReportsLayoutDigest()
    {
        var local = Layout.Resolve("busybox");

        await PushAsync("busybox", "proj/busybox", "1");

        var reference = Remote("proj/busybox", "1");
        Assert.Equal(local.Digest, await _skopeo.InspectDigestAsync(reference));
        var served = await _skopeo.InspectRawAsync(reference);
        Assert.Equal(Layout.ReadBlob(local.Digest), served);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("multilayer")]
    [InlineData("random")]
    public async Task SkopeoCopy_RegistryToNewOciLayout_ManifestAndBlobsByteIdentical(string tag)
    {
        var local = Layout.Resolve(tag);
        var repository = $"proj/roundtrip-{tag}";
        await PushAsync(tag, repository, "1");
        using var back = new TempDirectory("wi-back");

        (await _skopeo.CopyAsync(Remote(repository, "1"), $"oci:{back.Path}:pulled")).EnsureSuccess();

        var pulled = new OciLayout(back.Path);
        Assert.Equal(local, pulled.Resolve("pulled"));
        Assert.Equal(Layout.ReadBlob(local.Digest), pulled.ReadBlob(local.Digest));
        foreach (var blob in Layout.ImageBlobs(local.Digest))
        {
            var file = pulled.BlobPath(blob.Digest);
            Assert.True(File.Exists(file), $"blob {blob.Digest} ({blob.MediaType}) missing from the pulled layout");
            Assert.Equal(blob.Size, new FileInfo(file).Length);
            Assert.Equal(blob.Digest, OciLayout.DigestOfFile(file));
        }
    }

    [Fact]
    public async Task SkopeoCopyAll_ImageIndex_IndexAndEveryPlatformManifestServed()
    {
        var index = Layout.Resolve("multiarch");
        Assert.Equal(OciIndex, index.MediaType);

        await PushAsync("multiarch", "proj/multiarch", "1", "--all");

        Assert.Equal(Layout.ReadBlob(index.Digest), await _skopeo.InspectRawAsync(Remote("proj/multiarch", "1")));
        var platforms = Layout.IndexManifests(index.Digest);
        Assert.Equal(2, platforms.Count);
        foreach (var platform in platforms)
        {
            var served = await _skopeo.InspectRawAsync($"docker://{_registry.Host}/proj/multiarch@{platform.Digest}");
            Assert.Equal(Layout.ReadBlob(platform.Digest), served);
        }

        using var back = new TempDirectory("wi-back");
        (await _skopeo.CopyAsync(Remote("proj/multiarch", "1"), $"oci:{back.Path}:pulled", "--all")).EnsureSuccess();
        Assert.Equal(index, new OciLayout(back.Path).Resolve("pulled"));
    }

    [Fact]
    public async Task SkopeoCopy_DockerSchema2Image_MediaTypeAndDigestPreserved()
    {
        var manifest = await File.ReadAllBytesAsync(Path.Combine(_images.V2s2Directory, "manifest.json"));
        var reference = Remote("proj/v2s2", "1");

        (await _skopeo.CopyAsync($"dir:{_images.V2s2Directory}", reference)).EnsureSuccess();

        var served = await _skopeo.InspectRawAsync(reference);
        Assert.Equal(manifest, served);
        using var json = JsonDocument.Parse(served);
        Assert.Equal(DockerSchema2, json.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(OciLayout.DigestOf(manifest), await _skopeo.InspectDigestAsync(reference));
    }

    [Fact]
    public async Task SkopeoDelete_PushedImage_InspectReportsManifestUnknown()
    {
        await PushAsync("busybox", "proj/deleted", "1");
        var reference = Remote("proj/deleted", "1");
        (await _skopeo.InspectAsync(reference)).EnsureSuccess();

        (await _skopeo.DeleteAsync(reference)).EnsureSuccess();

        var after = await _skopeo.InspectAsync(reference);
        Assert.True(after.ExitCode != 0, after.Describe("succeeded after the delete"));
        Assert.Contains("manifest unknown", after.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SkopeoListTags_ImagePushedUnderThreeTags_ListsExactlyThoseTags()
    {
        foreach (var tag in new[] { "a", "b", "c" })
        {
            await PushAsync("busybox", "proj/tags", tag);
        }

        var tags = await _skopeo.ListTagsAsync($"docker://{_registry.Host}/proj/tags");

        Assert.Equal(["a", "b", "c"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SkopeoCopy_BetweenRepositoriesOfOneRegistry_DigestPreserved()
    {
        // Within one registry skopeo asks for a cross-repository blob mount before uploading.
        var local = Layout.Resolve("multilayer");
        await PushAsync("multilayer", "proj/mount-source", "1");

        (await _skopeo.CopyAsync(Remote("proj/mount-source", "1"), Remote("proj/mount-target", "1"))).EnsureSuccess();

        Assert.Equal(local.Digest, await _skopeo.InspectDigestAsync(Remote("proj/mount-target", "1")));
    }

    [Fact]
    public async Task PodmanPushThenPull_IntoFreshStore_DigestMatchesAndImageRuns()
    {
        var image = $"{_registry.Host}/proj/podman:1";
        string pushed;
        await using (var pusher = new PodmanSandbox(_registry.Credentials))
        {
            // The image enters podman from the OCI layout, as a locally built image would.
            var id = (await pusher.RunAsync("pull", "--quiet", $"oci:{Layout.Path}:busybox")).EnsureSuccess().Stdout.Trim();
            pushed = await pusher.PushAsync(id, $"docker://{image}");
        }

        Assert.Equal(pushed, await _skopeo.InspectDigestAsync($"docker://{image}"));
        await using var puller = new PodmanSandbox(_registry.Credentials);
        await puller.PullAsync(image);
        var digest = (await puller.RunAsync("image", "inspect", "--format", "{{.Digest}}", image)).EnsureSuccess();
        Assert.Equal(pushed, digest.Stdout.Trim());
        Assert.Equal("pushed by podman\n", await puller.RunContainerAsync(image, "/bin/busybox", "echo", "pushed by podman"));
    }

    [Fact]
    public async Task PodmanRun_BusyboxPushedBySkopeo_PrintsExpectedStrings()
    {
        await PushAsync("busybox", "proj/run", "1");
        var image = $"{_registry.Host}/proj/run:1";
        await using var podman = new PodmanSandbox(_registry.Credentials);

        await podman.PullAsync(image);

        Assert.Equal("hello\n", await podman.RunContainerAsync(image, "/bin/busybox", "echo", "hello"));
        // The config's Cmd (set by make-images.sh) travelled through the registry too.
        Assert.Equal("hello from wharf\n", await podman.RunContainerAsync(image));
    }

    [Fact]
    public async Task PodmanRun_MultilayerImage_SeesEveryLayerAndTheWhiteout()
    {
        await PushAsync("multilayer", "proj/run-layers", "1");
        var image = $"{_registry.Host}/proj/run-layers:1";
        await using var podman = new PodmanSandbox(_registry.Credentials);
        await podman.PullAsync(image);

        var output = await podman.RunContainerAsync(
            image, "/bin/sh", "-c", "cat /etc/wharf-release /data/sub/file3.txt; test -e /bin/false || echo no-false");

        Assert.Equal("wharf-interop multilayer\nfile 3\nno-false\n", output);
    }

    [Fact]
    public async Task PodmanRun_ImageIndexPulledByTag_RunsTheAmd64Entry()
    {
        await PushAsync("multiarch", "proj/run-index", "1", "--all");
        var image = $"{_registry.Host}/proj/run-index:1";
        await using var podman = new PodmanSandbox(_registry.Credentials);

        await podman.PullAsync(image);

        var architecture = (await podman.RunAsync("image", "inspect", "--format", "{{.Architecture}}", image)).EnsureSuccess();
        Assert.Equal("amd64", architecture.Stdout.Trim());
        Assert.Equal("from the index\n", await podman.RunContainerAsync(image, "/bin/busybox", "echo", "from the index"));
    }

    private string Remote(string repository, string tag) => $"docker://{_registry.Host}/{repository}:{tag}";

    private async Task PushAsync(string layoutTag, string repository, string tag, params string[] options)
    {
        var result = await _skopeo.CopyAsync($"oci:{Layout.Path}:{layoutTag}", Remote(repository, tag), options);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                result.Describe("failed") + $"\n--- registry output:\n{_registry.ServerOutput}");
        }
    }
}
