using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using Wharf.Oci.Building;
using Wharf.Oci.Tests.Layout;

namespace Wharf.Oci.Tests.Building;

[SupportedOSPlatform("linux")]
public sealed class DeterministicLayerTests : IDisposable
{
    private static readonly DateTimeOffset Fixed = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WriteAsync_Gzip_FixedHeaderTrailerAndDigests()
    {
        var source = MakeTree(_temp.Combine("ctx"));
        var layer = new DeterministicLayer().AddDirectoryTree(source, "/opt/app");
        using var output = new MemoryStream();

        var result = await layer.WriteAsync(output, LayerCompression.Gzip, Fixed);

        var bytes = output.ToArray();
        Assert.Equal(new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff }, bytes[..10]);
        Assert.Equal(MediaTypes.OciLayerGzip, result.Descriptor.MediaType);
        Assert.Equal(Digest.Sha256(bytes), result.Descriptor.Digest);
        Assert.Equal(bytes.Length, result.Descriptor.Size);
        var tar = Gunzip(bytes);
        Assert.Equal(Digest.Sha256(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedSize);
        Assert.Equal((uint)tar.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(tar), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8)));
    }

    /// <summary>
    /// Pins the bytes of one small layer. The diff_id depends only on our tar writer; the gzip digest also depends on
    /// the zlib (zlib-ng) bundled with .NET, so a .NET upgrade that changes deflate output fails here first.
    /// </summary>
    [Fact]
    public async Task WriteAsync_KnownLayer_PinnedDigests()
    {
        var layer = new DeterministicLayer()
            .AddFile("/opt/app/run", 5, _ => Task.FromResult<Stream>(new MemoryStream("hello"u8.ToArray())), executable: true)
            .AddFile("/models/m/weights.bin", 3, _ => Task.FromResult<Stream>(new MemoryStream([1, 2, 3])))
            .AddSymlink("/opt/app/latest", "run");

        var gzip = await layer.WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed);
        var tar = await layer.WriteAsync(Stream.Null, LayerCompression.None, Fixed);

        Assert.Equal("sha256:25b39fc2696ad3658cc596f80f548047e9b480473c848b54c53148f014d308a3", tar.DiffId.ToString());
        Assert.Equal(tar.DiffId, gzip.DiffId);
        Assert.Equal("sha256:c97768eeafb337c9e1de26d5313342ebc4285dbd92cdd6837ccc2260ed64a3a5", gzip.Descriptor.Digest.ToString());
    }

    [Fact]
    public async Task WriteAsync_Uncompressed_DigestIsDiffId()
    {
        var layer = new DeterministicLayer().AddFile("/models/m/weights.bin", 3, _ => Task.FromResult<Stream>(new MemoryStream([1, 2, 3])));
        using var output = new MemoryStream();

        var result = await layer.WriteAsync(output, LayerCompression.None, Fixed);

        Assert.Equal(MediaTypes.OciLayerTar, result.Descriptor.MediaType);
        Assert.Equal(result.DiffId, result.Descriptor.Digest);
        Assert.Equal(Digest.Sha256(output.ToArray()), result.DiffId);
        Assert.Equal(0, output.Length % 512);
    }

    [Fact]
    public async Task WriteAsync_Entries_SortedWithParentsAndNormalisedMetadata()
    {
        var source = MakeTree(_temp.Combine("ctx"));
        var longName = string.Join('/', Enumerable.Repeat("segment-of-a-long-path", 12)) + "/file.txt";
        var layer = new DeterministicLayer()
            .AddDirectoryTree(source, "/opt/app")
            .AddFile("/models/m/été.onnx", 2, _ => Task.FromResult<Stream>(new MemoryStream("hi"u8.ToArray())))
            .AddFile("/models/m/" + longName, 1, _ => Task.FromResult<Stream>(new MemoryStream("x"u8.ToArray())))
            .AddSymlink("/opt/app/current", "bin/run.sh");
        using var output = new MemoryStream();
        await layer.WriteAsync(output, LayerCompression.None, Fixed);
        output.Position = 0;

        var entries = new List<(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, string User, string Group, DateTimeOffset MTime, string Link, byte[] Data)>();
        using (var reader = new TarReader(output, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                var data = entry.DataStream is null ? [] : ReadAll(entry.DataStream);
                var (user, group) = entry is PosixTarEntry p ? (p.UserName, p.GroupName) : ("?", "?");
                entries.Add((entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, user, group, entry.ModificationTime, entry.LinkName, data));
            }
        }

        var names = entries.Select(e => e.Name.TrimEnd('/')).ToList();
        var sorted = names.OrderBy(n => Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        Assert.Equal(sorted, names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(["models", "models/m", "models/m/segment-of-a-long-path", "opt", "opt/app", "opt/app/bin", "opt/app/bin/run.sh", "opt/app/current", "opt/app/data", "opt/app/data/config.json"],
            names.Where(n => !n.Contains("segment-of-a-long-path/", StringComparison.Ordinal) && !n.Contains(".onnx", StringComparison.Ordinal)));
        Assert.Contains("models/m/été.onnx", names);
        Assert.Contains("models/m/" + longName, names);
        foreach (var e in entries)
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(string.Empty, e.User);
            Assert.Equal(string.Empty, e.Group);
            Assert.Equal(Fixed, e.MTime);
            Assert.False(e.Name.StartsWith('/'));
            var expected = e.Type switch
            {
                TarEntryType.Directory => (UnixFileMode)0x1ED,
                TarEntryType.SymbolicLink => (UnixFileMode)0x1FF,
                _ => e.Name.EndsWith("run.sh", StringComparison.Ordinal) ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4,
            };
            Assert.True(expected == e.Mode, $"{e.Name}: mode {Convert.ToString((int)e.Mode, 8)}");
        }

        Assert.Equal(TarEntryType.Directory, entries.Single(e => e.Name == "opt/app/bin/").Type);
        Assert.Equal("bin/run.sh", entries.Single(e => e.Name == "opt/app/current").Link);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(entries.Single(e => e.Name == "opt/app/data/config.json").Data));
        var raw = Encoding.Latin1.GetString(output.ToArray());
        Assert.Contains("path=models/m/été.onnx", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("atime=", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("ctime=", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("PaxHeaders.", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GnuTar_ListsLayer_WithNamesOwnersAndModesAsWritten()
    {
        var longDir = string.Join('/', Enumerable.Repeat("segment-of-a-long-path", 8));
        var layer = new DeterministicLayer()
            .AddDirectoryTree(MakeTree(_temp.Combine("ctx")), "/opt/app")
            .AddFile($"/models/m/{longDir}/été.onnx", 2, _ => Task.FromResult<Stream>(new MemoryStream("hi"u8.ToArray())));
        var file = _temp.Combine("layer.tar.gz");
        await using (var output = File.Create(file))
        {
            await layer.WriteAsync(output, LayerCompression.Gzip, Fixed);
        }

        var listing = await ExternalTool.RunCheckedAsync("tar", "--numeric-owner", "-tvzf", file);

        Assert.Contains("-rwxr-xr-x 0/0", listing, StringComparison.Ordinal);
        Assert.Contains("drwxr-xr-x 0/0", listing, StringComparison.Ordinal);
        Assert.Contains("2023-11-14 22:13 opt/app/bin/run.sh", listing, StringComparison.Ordinal);
        Assert.Contains($"models/m/{longDir}/été.onnx", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", listing, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WriteAsync_SameFilesDifferentDirsMtimesAndModes_SameDigest()
    {
        var a = MakeTree(_temp.Combine("a"));
        var b = MakeTree(_temp.Combine("elsewhere", "b"));
        foreach (var file in Directory.EnumerateFiles(b, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
            var mode = File.GetUnixFileMode(file);
            // Change group/other bits and owner write; keep only the owner-execute bit, which is meant to matter.
            File.SetUnixFileMode(file, (mode & UnixFileMode.UserExecute) | UnixFileMode.UserRead | UnixFileMode.GroupWrite | UnixFileMode.OtherExecute);
        }

        File.SetUnixFileMode(Path.Combine(b, "data"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var first = await new DeterministicLayer().AddDirectoryTree(a, "/opt/app").WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed);
        var second = await new DeterministicLayer().AddDirectoryTree(b, "/opt/app").WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed);

        Assert.Equal(first.Descriptor, second.Descriptor);
        Assert.Equal(first.DiffId, second.DiffId);
    }

    [Fact]
    public async Task WriteAsync_DifferentTimestamp_DifferentDigest()
    {
        var a = MakeTree(_temp.Combine("a"));

        var first = await new DeterministicLayer().AddDirectoryTree(a, "/opt/app").WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed);
        var second = await new DeterministicLayer().AddDirectoryTree(a, "/opt/app").WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed.AddSeconds(1));

        Assert.NotEqual(first.DiffId, second.DiffId);
    }

    [Theory]
    [InlineData("../../etc/passwd", "'..' segment")]
    [InlineData("a/../../b", "'..' segment")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("a/./b", "'.' segment")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a\0b", "NUL")]
    [InlineData("a\\..\\b", "backslash")]
    [InlineData("", "names the image root")]
    public void AddFileUnder_HostileModelFileName_RefusedWithReason(string name, string reason)
    {
        var layer = new DeterministicLayer();

        var ex = Assert.Throws<ImageBuildException>(() => layer.AddFileUnder("/models/m", name, 1, _ => Task.FromResult<Stream>(new MemoryStream([1]))));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Empty(layer.Entries);
    }

    [Theory]
    [InlineData("/opt/../../etc/passwd")]
    [InlineData("opt/./x")]
    [InlineData("/")]
    public void AddFile_HostileImagePath_Refused(string path)
    {
        var ex = Assert.Throws<ImageBuildException>(() => new DeterministicLayer().AddFile(path, 1, _ => Task.FromResult<Stream>(new MemoryStream([1]))));

        Assert.Contains(path.TrimStart('/').TrimEnd('/').Length == 0 ? "image root" : "segment", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("sub/../../outside.txt")]
    [InlineData("/etc/passwd")]
    public void AddDirectoryTree_SymlinkLeavingContext_RefusedAndLayerUnchanged(string target)
    {
        var ctx = MakeTree(_temp.Combine("ctx"));
        File.WriteAllText(_temp.Combine("outside.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(ctx, "sub"));
        File.CreateSymbolicLink(Path.Combine(ctx, "escape"), target);
        var layer = new DeterministicLayer().AddDirectory("/keep");

        var ex = Assert.Throws<ImageBuildException>(() => layer.AddDirectoryTree(ctx, "/opt/app"));

        Assert.Contains("outside the build context", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["keep"], layer.Entries.Select(e => e.Path));
    }

    [Fact]
    public void AddDirectoryTree_SymlinkEscapingThroughAnotherSymlink_Refused()
    {
        var ctx = MakeTree(_temp.Combine("ctx"));
        // Textually "here/.." is the context root; the kernel resolves "here" first, so it is the root's parent.
        File.CreateSymbolicLink(Path.Combine(ctx, "here"), ".");
        File.CreateSymbolicLink(Path.Combine(ctx, "sneaky"), "here/../outside.txt");

        var ex = Assert.Throws<ImageBuildException>(() => new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app"));

        Assert.Contains("sneaky", ex.Message, StringComparison.Ordinal);
        Assert.Contains("climbs above the context root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDirectoryTree_SymlinkInsideContext_KeptAsSymlink()
    {
        var ctx = MakeTree(_temp.Combine("ctx"));
        File.CreateSymbolicLink(Path.Combine(ctx, "data", "link"), "../bin/run.sh");

        var layer = new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app");
        using var output = new MemoryStream();
        await layer.WriteAsync(output, LayerCompression.None, Fixed);
        output.Position = 0;
        using var reader = new TarReader(output);
        TarEntry? link = null;
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == "opt/app/data/link")
            {
                link = entry;
            }
        }

        Assert.NotNull(link);
        Assert.Equal(TarEntryType.SymbolicLink, link.EntryType);
        Assert.Equal("../bin/run.sh", link.LinkName);
    }

    [Fact]
    public void Add_ConflictingEntries_Refused()
    {
        var layer = new DeterministicLayer().AddFile("/a/file", 0, _ => Task.FromResult<Stream>(new MemoryStream()));

        Assert.Contains("added twice", Assert.Throws<ImageBuildException>(() => layer.AddSymlink("/a/file", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("which is a file", Assert.Throws<ImageBuildException>(() => layer.AddDirectory("/a/file/sub")).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory of other entries", Assert.Throws<ImageBuildException>(() => layer.AddSymlink("/a", "x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_FileChangedAfterAdd_ThrowsClearly()
    {
        var ctx = MakeTree(_temp.Combine("ctx"));
        var layer = new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app");
        File.AppendAllText(Path.Combine(ctx, "data", "config.json"), "more");

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => layer.WriteAsync(Stream.Null, LayerCompression.Gzip, Fixed));

        Assert.Contains("changed during the build", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeCacheKey_ChangesWithFileStampAndIsNullForStreams()
    {
        var ctx = MakeTree(_temp.Combine("ctx"));
        var before = new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app").ComputeCacheKey(LayerCompression.Gzip, Fixed);
        var same = new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app").ComputeCacheKey(LayerCompression.Gzip, Fixed);
        File.SetLastWriteTimeUtc(Path.Combine(ctx, "data", "config.json"), new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var after = new DeterministicLayer().AddDirectoryTree(ctx, "/opt/app").ComputeCacheKey(LayerCompression.Gzip, Fixed);
        var streamed = new DeterministicLayer().AddFile("/x", 0, _ => Task.FromResult<Stream>(new MemoryStream())).ComputeCacheKey(LayerCompression.Gzip, Fixed);

        Assert.NotNull(before);
        Assert.Equal(before, same);
        Assert.NotEqual(before, after);
        Assert.Null(streamed);
    }

    [Fact]
    public void SourceDateEpoch_FixedTime_TruncatedToSeconds()
    {
        var resolved = SourceDateEpoch.Resolve(Fixed.AddMilliseconds(999));

        Assert.Equal(Fixed, resolved);
        Assert.Throws<ImageBuildException>(() => SourceDateEpoch.Resolve(DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }

    /// <summary>A small build context: an executable script, a nested config file.</summary>
    internal static string MakeTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var script = Path.Combine(root, "bin", "run.sh");
        File.WriteAllText(script, "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1C0); // 0700
        var config = Path.Combine(root, "data", "config.json");
        File.WriteAllText(config, "{\"a\":1}");
        File.SetUnixFileMode(config, (UnixFileMode)0x180); // 0600
        return root;
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        return ReadAll(input);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
