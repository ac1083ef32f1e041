using System.Text.Json;
using Wharf.Oci;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Tests.Images;

/// <summary><c>wharf push</c> and <c>wharf pull</c> against a real Wharf server on loopback, as its administrator.</summary>
public sealed class ImagePushPullCommandTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"wharf-images-{Guid.NewGuid():N}");

    public ImagePushPullCommandTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task PushThenPull_RoundTripsTheImage_JsonAloneOnStdout_SecondPushSkipsEveryBlob()
    {
        await using var server = await LocalServer.StartAsync();
        var (layout, digest) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "src"), "v1");
        var target = $"{ImageFixtures.Registry(server)}/ml/base:v1";

        var first = await Ok(server, "push", $"{layout}:v1", target, "--format", "json");
        var second = await Ok(server, "push", $"{layout}:v1", target, "--format", "json");
        var pulledDirectory = Path.Combine(_work, "pulled");
        var pulled = await Ok(server, "pull", target, $"{pulledDirectory}:copy", "--format", "json");
        var text = await Ok(server, "pull", target, Path.Combine(_work, "pulled-text"));

        using var firstJson = JsonDocument.Parse(first);
        using var secondJson = JsonDocument.Parse(second);
        using var pulledJson = JsonDocument.Parse(pulled);
        Assert.Equal(digest.ToString(), firstJson.RootElement.GetProperty("digest").GetString());
        Assert.All(Blobs(firstJson), b => Assert.Equal("done", b.State));
        Assert.Equal(2, Blobs(firstJson).Count);
        Assert.All(Blobs(secondJson), b => Assert.Equal(("skipped", 0L), (b.State, b.Bytes)));
        var manifestSize = new FileInfo(Path.Combine(layout, "blobs", "sha256", digest.Hex)).Length;
        Assert.Equal(manifestSize, secondJson.RootElement.GetProperty("bytesTransferred").GetInt64());
        Assert.Equal(digest.ToString(), pulledJson.RootElement.GetProperty("digest").GetString());
        Assert.All(Blobs(pulledJson), b => Assert.Equal("done", b.State));
        var copy = await OciImageLayout.OpenAsync(pulledDirectory);
        Assert.Equal(digest, (await copy.ResolveAsync("copy")).Digest);
        var image = await copy.ResolveImageAsync(await copy.ResolveAsync("copy"));
        Assert.All(image.Manifest.Blobs, b => Assert.True(copy.HasBlob(b.Digest)));
        Assert.Contains($"as {digest}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_Index_PushesEveryImageThenTheIndex()
    {
        await using var server = await LocalServer.StartAsync();
        var (layout, digest) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "src"), "v1");
        var oci = await OciImageLayout.OpenAsync(layout);
        var child = await oci.ResolveAsync("v1");
        var index = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new[] { ImageFixtures.Json(child with { Annotations = null, Platform = new Platform("amd64", "linux") }) },
        });
        await oci.WriteManifestAsync(index, MediaTypes.OciIndex, "multi");
        var target = $"{ImageFixtures.Registry(server)}/ml/multi:v1";

        var pushed = await Ok(server, "push", $"{layout}:multi", target);
        using var client = ImageFixtures.Client(server);
        var fetched = await client.GetManifestAsync(ImageReference.Parse(target));

        Assert.True(fetched.Manifest.IsIndex);
        Assert.Equal(digest, Assert.Single(fetched.Manifest.Manifests).Digest);
        Assert.Contains($"@{fetched.Digest}", pushed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_DirectoryWithoutOciLayoutFile_Exit1_SaysSo()
    {
        await using var server = await LocalServer.StartAsync();
        var notLayout = Directory.CreateDirectory(Path.Combine(_work, "plain")).FullName;
        await File.WriteAllTextAsync(Path.Combine(notLayout, "index.json"), "{}");

        var (exit, stdout, stderr) = await server.RunAsync("push", notLayout, $"{ImageFixtures.Registry(server)}/ml/x:v1");

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("oci-layout is missing", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_BadReference_Usage()
    {
        await using var server = await LocalServer.StartAsync();
        var (layout, _) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "src"), "v1");

        var (exit, _, stderr) = await server.RunAsync("push", layout, "ml/NoHost:v1");

        Assert.Equal(2, exit);
        Assert.Contains("registry host", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_IndexWithoutLinuxAmd64_Exit1_ListsPlatforms_LayoutUnchanged_PlatformOptionPicksIt()
    {
        await using var server = await LocalServer.StartAsync();
        var (layout, digest) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "src"), "v1");
        var registry = ImageFixtures.Registry(server);
        await Ok(server, "push", $"{layout}:v1", $"{registry}/ml/arm:image");
        var oci = await OciImageLayout.OpenAsync(layout);
        var child = await oci.ResolveAsync("v1");
        var index = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new[] { ImageFixtures.Json(child with { Annotations = null, Platform = new Platform("arm64", "linux") }) },
        });
        using (var client = ImageFixtures.Client(server))
        {
            await client.PutManifestAsync(ImageReference.Parse($"{registry}/ml/arm:multi"), index, MediaTypes.OciIndex);
        }

        var fresh = Path.Combine(_work, "fresh");
        var refused = await server.RunAsync("pull", $"{registry}/ml/arm:multi", fresh);
        var existing = (await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "existing"), "keep", "other\n")).Directory;
        var before = await File.ReadAllBytesAsync(Path.Combine(existing, "index.json"));
        var refusedExisting = await server.RunAsync("pull", $"{registry}/ml/arm:multi", $"{existing}:keep");
        var after = await File.ReadAllBytesAsync(Path.Combine(existing, "index.json"));
        var picked = await Ok(server, "pull", $"{registry}/ml/arm:multi", $"{existing}:arm", "--platform", "linux/arm64", "--format", "json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("linux/arm64", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("linux/amd64", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh));
        Assert.Equal(1, refusedExisting.ExitCode);
        Assert.Equal(before, after);
        using var json = JsonDocument.Parse(picked);
        Assert.Equal(digest.ToString(), json.RootElement.GetProperty("digest").GetString());
        Assert.Equal("linux/arm64", json.RootElement.GetProperty("platform").GetString());
        Assert.Equal(digest, (await (await OciImageLayout.OpenAsync(existing)).ResolveAsync("arm")).Digest);
    }

    [Fact]
    public async Task Pull_Missing_Exit1_NoLayoutLeftBehind()
    {
        await using var server = await LocalServer.StartAsync();
        var target = Path.Combine(_work, "none");

        var (exit, stdout, stderr) = await server.RunAsync("pull", $"{ImageFixtures.Registry(server)}/ml/nothing:v1", target, "--format", "json");

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("ml/nothing", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Pull_WrongToken_Exit1_RegistryRefusal_NoLayout()
    {
        await using var server = await LocalServer.StartAsync();
        var target = Path.Combine(_work, "denied");

        var (exit, _, stderr) = await CliRun.RunAsync(
            "pull", $"{ImageFixtures.Registry(server)}/ml/base:v1", target, "--server", server.Address.ToString(), "--token", "wharf_pat_notarealtoken0000000000000000000000000000");

        Assert.Equal(1, exit);
        Assert.Contains("401", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Pull_RegistryUnreachable_Exit3()
    {
        var (exit, _, stderr) = await CliRun.RunAsync("pull", "127.0.0.1:1/ml/base:v1", Path.Combine(_work, "nowhere"), "--server", "http://127.0.0.1:1");

        Assert.Equal(3, exit);
        Assert.Contains("cannot reach the registry", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_OtherRegistry_UsesCredsThere_NeverTheWharfToken()
    {
        await using var wharf = await LocalServer.StartAsync();
        await using var other = await LocalServer.StartAsync();
        var (layout, digest) = await ImageFixtures.BaseLayoutAsync(Path.Combine(_work, "src"), "v1");
        var target = $"{ImageFixtures.Registry(other)}/ml/copy:v1";

        var withoutCreds = await wharf.RunAsync("push", $"{layout}:v1", target);
        var withCreds = await wharf.RunAsync("push", $"{layout}:v1", target, "--creds", $"admin:{other.AdminToken}");

        Assert.Equal(1, withoutCreds.ExitCode);
        Assert.Contains("401", withoutCreds.Stderr, StringComparison.Ordinal);
        Assert.True(withCreds.ExitCode == 0, withCreds.Stderr);
        Assert.Contains($"@{digest}", withCreds.Stdout, StringComparison.Ordinal);
    }

    internal static List<(string Name, string State, long Bytes)> Blobs(JsonDocument json)
        => [.. json.RootElement.GetProperty("blobs").EnumerateArray().Select(b => (b.GetProperty("name").GetString()!, b.GetProperty("state").GetString()!, b.GetProperty("bytes").GetInt64()))];

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }
}
