using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;

namespace Wharf.Oci.Tests.Layout;

public sealed class OciImageLayoutTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreateAsync_NewDirectory_WritesLayoutMarkerAndEmptyIndex()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));

        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", File.ReadAllText(_temp.Combine("layout", "oci-layout")));
        using var index = JsonDocument.Parse(File.ReadAllBytes(_temp.Combine("layout", "index.json")));
        Assert.Equal(2, index.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(0, index.RootElement.GetProperty("manifests").GetArrayLength());
        Assert.True(Directory.Exists(_temp.Combine("layout", "blobs")));
        Assert.Empty(await (await OciImageLayout.OpenAsync(layout.RootPath)).GetManifestsAsync());
    }

    [Theory]
    [InlineData(null, "oci-layout is missing")]
    [InlineData("""{"imageLayoutVersion":"2.0.0"}""", "imageLayoutVersion")]
    [InlineData("not json", "not valid JSON")]
    public async Task OpenAsync_BadMarker_ThrowsSayingWhy(string? marker, string reason)
    {
        Directory.CreateDirectory(_temp.Combine("bad"));
        if (marker is not null)
        {
            File.WriteAllText(_temp.Combine("bad", "oci-layout"), marker);
        }

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => OciImageLayout.OpenAsync(_temp.Combine("bad")));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteBlobAsync_ThenOpenBlob_RoundTripsAndSecondWriteIsNoOp()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var content = Encoding.UTF8.GetBytes("hello blob");
        var digest = Digest.Sha256(content);

        var first = await layout.WriteBlobAsync(new MemoryStream(content));
        var second = await layout.WriteBlobAsync(new MemoryStream(content), digest, content.Length);

        Assert.Equal(digest, first.Digest);
        Assert.True(first.Written);
        Assert.Equal(content.Length, first.BytesWritten);
        Assert.False(second.Written);
        Assert.Equal(0, second.BytesWritten);
        Assert.Equal(content, File.ReadAllBytes(_temp.Combine("layout", "blobs", "sha256", digest.Hex)));
        await using var read = await layout.OpenBlobAsync(digest, content.Length);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        Assert.Single(Directory.GetFiles(_temp.Combine("layout", "blobs", "sha256")));
    }

    [Fact]
    public async Task OpenBlobAsync_ZeroLengthReadFirst_IsNotTakenForTheEnd()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var content = Encoding.UTF8.GetBytes("zero-length reads are not the end");
        var written = await layout.WriteBlobAsync(new MemoryStream(content));

        await using var read = await layout.OpenBlobAsync(written.Digest, content.Length);
        Assert.Equal(0, await read.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, read.Read([]));
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task WriteBlobAsync_ContentNotMatchingDigest_ThrowsAndKeepsNoFile()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var claimed = Digest.Sha256("something else"u8);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => layout.WriteBlobAsync(new MemoryStream("actual"u8.ToArray()), claimed));

        Assert.Contains("not to the expected", ex.Message, StringComparison.Ordinal);
        Assert.False(layout.HasBlob(claimed));
        Assert.Empty(Directory.GetFiles(_temp.Combine("layout", "blobs", "sha256")));
    }

    [Fact]
    public async Task OpenBlob_CorruptedOnDisk_ThrowsAtEndOfStream()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var blob = await layout.WriteBlobAsync(new MemoryStream("original"u8.ToArray()));
        File.WriteAllText(_temp.Combine("layout", "blobs", "sha256", blob.Digest.Hex), "tampered");

        await using var stream = await layout.OpenBlobAsync(blob.Digest, blob.Size);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains("not to its name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteManifestAsync_SameRefTwice_ReplacesOnlyThatEntry()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var a = await WriteImageAsync(layout, "a", "v1");
        await WriteImageAsync(layout, "other", "keep");
        var b = await WriteImageAsync(layout, "b", "v1");

        var manifests = await layout.GetManifestsAsync();

        Assert.Equal(2, manifests.Count);
        Assert.Equal(b.Digest, (await layout.ResolveAsync("v1")).Digest);
        Assert.NotEqual(a.Digest, b.Digest);
        Assert.Equal("keep", OciImageLayout.RefName((await layout.ResolveAsync("keep"))));
    }

    [Fact]
    public async Task ResolveAsync_UnknownRef_ListsTheNamesThereAre()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        await WriteImageAsync(layout, "a", "v1");
        await WriteImageAsync(layout, "b", "v2");

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ResolveAsync("v3"));
        var single = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ResolveAsync(null));

        Assert.Contains("no manifest named 'v3'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'v1', 'v2'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has 2 manifests", single.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a b")]
    [InlineData("v1/")]
    [InlineData("-v1")]
    public async Task WriteManifestAsync_InvalidRefName_RefusedAndIndexUnchanged(string refName)
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var before = File.ReadAllBytes(_temp.Combine("layout", "index.json"));
        var manifest = ImageManifestJson(await layout.WriteBlobAsync(new MemoryStream("{}"u8.ToArray())));

        await Assert.ThrowsAsync<ArgumentException>(() => layout.WriteManifestAsync(manifest, MediaTypes.OciManifest, refName));

        Assert.Equal(before, File.ReadAllBytes(_temp.Combine("layout", "index.json")));
    }

    [Fact]
    public async Task WriteManifestAsync_ManifestReferringToMissingBlobs_RefusedAndIndexUnchanged()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var before = File.ReadAllBytes(_temp.Combine("layout", "index.json"));
        var manifest = ImageManifestJson(new BlobWriteResult(Digest.Sha256("never written"u8), 13, true));

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => layout.WriteManifestAsync(manifest, MediaTypes.OciManifest, "v1"));

        Assert.Contains(Digest.Sha256("never written"u8).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_temp.Combine("layout", "index.json")));
    }

    [Fact]
    public async Task WriteManifestAsync_TwoInstancesOnOneDirectoryConcurrently_KeepsEveryName()
    {
        var first = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var second = await OciImageLayout.OpenAsync(_temp.Combine("layout"));
        var config = await first.WriteBlobAsync(new MemoryStream("{}"u8.ToArray()));
        var manifest = ImageManifestJson(config);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).WriteManifestAsync(manifest, MediaTypes.OciManifest, $"v{i}"))));

        Assert.Equal(20, (await first.GetManifestsAsync()).Count);
    }

    [Fact]
    public async Task GetManifestsAsync_IndexJsonOverLimit_Refused()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var padding = new string(' ', OciImageLayout.MaxManifestBytes);
        File.WriteAllText(_temp.Combine("layout", "index.json"), """{"schemaVersion":2,"manifests":[]}""" + padding);

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => layout.GetManifestsAsync());

        Assert.Contains("more than the", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    public async Task GetManifestsAsync_IndexWithHostileDigest_Refused(string digest)
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        File.WriteAllText(_temp.Combine("layout", "index.json"),
            $$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{digest}}","size":2}]}""");

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ResolveAsync(null));

        Assert.Contains("index.json' is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadManifestAsync_ManifestBytesNotMatchingDigest_Refused()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var entry = await WriteImageAsync(layout, "a", "v1");
        var path = _temp.Combine("layout", "blobs", "sha256", entry.Digest.Hex);
        var bytes = File.ReadAllBytes(path);
        bytes[^2] = (byte)' '; // same length, different bytes
        File.WriteAllBytes(path, bytes);

        var ex = await Assert.ThrowsAsync<OciLayoutException>(() => layout.ReadManifestAsync(entry));

        Assert.Contains("not to its name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveImageAsync_Index_PicksLinuxAmd64()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var arm = await WriteImageAsync(layout, "arm", null);
        var amd = await WriteImageAsync(layout, "amd", null);
        var index = IndexJson((arm, new Platform("arm64", "linux", "v8")), (amd, PlatformSelector.LinuxAmd64));
        var entry = await layout.WriteManifestAsync(index, MediaTypes.OciIndex, "multi");

        var image = await layout.ResolveImageAsync(entry);

        Assert.Equal(amd.Digest, image.Descriptor.Digest);
        Assert.False(image.Manifest.IsIndex);
    }

    [Fact]
    public async Task ResolveImageAsync_IndexWithoutLinuxAmd64_ErrorListsPlatforms()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("layout"));
        var arm = await WriteImageAsync(layout, "arm", null);
        var win = await WriteImageAsync(layout, "win", null);
        var index = IndexJson((arm, new Platform("arm64", "linux", "v8")), (win, new Platform("amd64", "windows")));
        var entry = await layout.WriteManifestAsync(index, MediaTypes.OciIndex, "multi");

        var ex = await Assert.ThrowsAsync<NoMatchingPlatformException>(() => layout.ResolveImageAsync(entry));

        Assert.Contains("has no linux/amd64 image", ex.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64/v8, windows/amd64", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["linux/arm64/v8", "windows/amd64"], ex.Available);
    }

    [Fact]
    public async Task SkopeoCopy_LayoutWeWrote_CopiesAndWeReadSkopeosLayout()
    {
        var layout = await OciImageLayout.CreateAsync(_temp.Combine("ours"));
        var entry = await WriteImageAsync(layout, "interop", "v1");

        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", $"oci:{layout.RootPath}:v1", $"oci:{_temp.Combine("theirs")}:copied");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", $"oci:{layout.RootPath}:v1", $"dir:{_temp.Combine("dir")}");

        var theirs = await OciImageLayout.OpenAsync(_temp.Combine("theirs"));
        var copied = await theirs.ResolveImageAsync(await theirs.ResolveAsync("copied"));
        Assert.Equal(entry.Digest, copied.Descriptor.Digest);
        foreach (var blob in copied.Manifest.Blobs)
        {
            await using var stream = await theirs.OpenBlobAsync(blob.Digest, blob.Size);
            await stream.CopyToAsync(Stream.Null);
        }

        Assert.True(File.Exists(_temp.Combine("dir", "manifest.json")));
    }

    /// <summary>Writes a one-layer image whose layer holds <paramref name="text"/>, named <paramref name="refName"/>.</summary>
    internal static async Task<Descriptor> WriteImageAsync(OciImageLayout layout, string text, string? refName)
    {
        var layer = new DeterministicLayer().AddFile("/data/text.txt", Encoding.UTF8.GetByteCount(text), _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(text))));
        var sink = new OciLayoutImageSink(layout);
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = DateTimeOffset.UnixEpoch }).AddLayer(layer, "test layer");
        if (refName is null)
        {
            // Build under a throwaway name, then leave only the blobs: an index child needs no name of its own.
            var built = await builder.BuildAsync(sink, "tmp-" + text);
            var remaining = (await layout.GetManifestsAsync()).Where(m => OciImageLayout.RefName(m) != "tmp-" + text).ToList();
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["manifests"] = new JsonArray([.. remaining.Select(m => (JsonNode)new JsonObject
                {
                    ["mediaType"] = m.MediaType,
                    ["digest"] = m.Digest.ToString(),
                    ["size"] = m.Size,
                    ["annotations"] = new JsonObject { [OciImageLayout.RefNameAnnotation] = OciImageLayout.RefName(m) },
                })]),
            };
            File.WriteAllText(Path.Combine(layout.RootPath, "index.json"), index.ToJsonString());
            return built.Manifest;
        }

        var result = await builder.BuildAsync(sink, refName);
        return await layout.ResolveAsync(refName) is { } entry && entry.Digest == result.Manifest.Digest ? entry : throw new InvalidOperationException();
    }

    private static byte[] ImageManifestJson(BlobWriteResult config)
        => Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},"layers":[]}""");

    internal static byte[] IndexJson(params (Descriptor Manifest, Platform Platform)[] entries)
    {
        var manifests = new JsonArray();
        foreach (var (manifest, platform) in entries)
        {
            var p = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
            if (platform.Variant is not null)
            {
                p["variant"] = platform.Variant;
            }

            manifests.Add(new JsonObject { ["mediaType"] = manifest.MediaType, ["digest"] = manifest.Digest.ToString(), ["size"] = manifest.Size, ["platform"] = p });
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests };
        return Encoding.UTF8.GetBytes(index.ToJsonString());
    }
}
