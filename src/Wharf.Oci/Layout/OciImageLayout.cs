using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Oci.Building;

namespace Wharf.Oci.Layout;

/// <summary>
/// An OCI image layout directory (image-spec <c>image-layout.md</c>), read and written:
/// <code>
/// DIR/oci-layout               {"imageLayoutVersion":"1.0.0"}
/// DIR/index.json               an image index; entries name their tag in org.opencontainers.image.ref.name
/// DIR/blobs/&lt;alg&gt;/&lt;hex&gt;      content-addressed blobs (manifests, configs, layers)
/// </code>
/// Blob paths are only ever built from a parsed <see cref="Digest"/> (lowercase hex of the exact length), so no
/// name read from the layout can reach outside <c>blobs/</c>. Every blob read is checked against its digest while
/// streaming; writes go to a temporary file in the same directory, are verified, flushed and renamed into place, so
/// a blob file either holds exactly the bytes its name says or does not exist. index.json is replaced atomically
/// (write, flush, rename) and only after every blob it refers to is in place.
/// </summary>
/// <remarks>
/// Writers in one process are serialised per instance; two processes updating the same index.json at once may lose
/// one update (the image-spec defines no locking). Blob writes are safe across processes.
/// </remarks>
public sealed partial class OciImageLayout
{
    /// <summary>The annotation that names an index.json entry (its "tag").</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>The largest index.json or manifest read, as registries limit manifests: 4 MiB.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private const string LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}""";

    // One lock per layout directory in this process, so two instances opened on the same path do not lose updates.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> IndexLocks = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _indexLock;

    private OciImageLayout(string rootPath)
    {
        RootPath = rootPath;
        _indexLock = IndexLocks.GetOrAdd(rootPath, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>The layout's directory (full path).</summary>
    public string RootPath { get; }

    /// <summary>Opens an existing layout, checking its <c>oci-layout</c> file.</summary>
    /// <param name="path">The layout directory.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="OciLayoutException">The directory is not an OCI image layout of version 1.0.0.</exception>
    public static async Task<OciImageLayout> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(path);
        var marker = Path.Combine(root, "oci-layout");
        if (!File.Exists(marker))
        {
            throw new OciLayoutException($"'{root}' is not an OCI image layout: oci-layout is missing");
        }

        var bytes = await ReadLimitedAsync(marker, 4096, "oci-layout", cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("imageLayoutVersion", out var version)
                || version.ValueKind != JsonValueKind.String
                || version.GetString() != "1.0.0")
            {
                throw new OciLayoutException($"'{root}/oci-layout' must declare imageLayoutVersion \"1.0.0\"");
            }
        }
        catch (JsonException ex)
        {
            throw new OciLayoutException($"'{root}/oci-layout' is not valid JSON: {ex.Message}", ex);
        }

        return new OciImageLayout(root);
    }

    /// <summary>
    /// Opens the layout at <paramref name="path"/>, creating the directory, <c>oci-layout</c>, an empty
    /// <c>index.json</c> and <c>blobs/</c> when they are missing.
    /// </summary>
    /// <param name="path">The layout directory.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<OciImageLayout> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(path);
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "blobs"));
        var marker = Path.Combine(root, "oci-layout");
        if (!File.Exists(marker))
        {
            await WriteAtomicAsync(marker, Encoding.UTF8.GetBytes(LayoutFileContent), cancellationToken);
        }

        var index = Path.Combine(root, "index.json");
        if (!File.Exists(index))
        {
            await WriteAtomicAsync(index, DescriptorJson.Index([], null), cancellationToken);
        }

        return await OpenAsync(root, cancellationToken);
    }

    /// <summary>True when the blob is present (its content is verified when read, not here).</summary>
    /// <param name="digest">The blob's digest.</param>
    public bool HasBlob(Digest digest) => File.Exists(BlobPath(digest));

    /// <summary>
    /// Writes a blob from a stream: to a temporary file, hashing while streaming, then renamed to
    /// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. When <paramref name="expectedDigest"/> is given and that blob already
    /// exists nothing is read or written; when the content does not hash to it nothing is kept.
    /// </summary>
    /// <param name="content">The content, read to its end.</param>
    /// <param name="expectedDigest">The digest the content must have; null to compute it (sha256).</param>
    /// <param name="expectedSize">The size the content must have, if known.</param>
    /// <param name="cancellationToken">Cancels the operation; a partial temporary file is removed.</param>
    /// <exception cref="InvalidDataException">The content does not match the expected digest or size.</exception>
    public async Task<BlobWriteResult> WriteBlobAsync(
        Stream content, Digest? expectedDigest = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (expectedDigest is { } known && HasBlob(known))
        {
            return new BlobWriteResult(known, expectedSize ?? new FileInfo(BlobPath(known)).Length, Written: false);
        }

        var algorithm = expectedDigest?.Algorithm ?? "sha256";
        var directory = Path.Combine(RootPath, "blobs", algorithm);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".partial-{Guid.NewGuid():N}");
        try
        {
            Digest actual;
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                using var hashing = new HashingWriteStream(file, algorithm);
                await content.CopyToAsync(hashing, 1 << 16, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                actual = hashing.GetDigest();
                size = hashing.BytesWritten;
            }

            if (expectedDigest is { } expected && actual != expected)
            {
                throw new InvalidDataException($"blob content hashes to {actual}, not to the expected {expected}");
            }

            if (expectedSize is { } expectedLength && size != expectedLength)
            {
                throw new InvalidDataException($"blob {actual} has {size} bytes, expected {expectedLength}");
            }

            var final = BlobPath(actual);
            if (File.Exists(final))
            {
                return new BlobWriteResult(actual, size, Written: false);
            }

            try
            {
                File.Move(temp, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Another writer put the same content in place first: same bytes, nothing to do.
                return new BlobWriteResult(actual, size, Written: false);
            }

            return new BlobWriteResult(actual, size, Written: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Opens a blob for reading. The stream throws <see cref="InvalidDataException"/> at its end when the bytes do
    /// not hash to <paramref name="digest"/> (or their count differs from <paramref name="expectedSize"/>).
    /// </summary>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="expectedSize">The size its descriptor states, if known.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <exception cref="OciLayoutException">The blob is not in the layout.</exception>
    public Task<Stream> OpenBlobAsync(Digest digest, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = BlobPath(digest);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OciLayoutException($"blob {digest} is not in the layout '{RootPath}'", ex);
        }

        return Task.FromResult<Stream>(new DigestVerifyingStream(file, digest, expectedSize, $"blob {digest}"));
    }

    /// <summary>Reads a small blob (a config or manifest) whole, refusing more than <paramref name="maxBytes"/> bytes and checking its digest.</summary>
    /// <param name="descriptor">The blob's descriptor; its size is checked too.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<byte[]> ReadSmallBlobAsync(Descriptor descriptor, int maxBytes = MaxManifestBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Size > maxBytes)
        {
            throw new OciLayoutException($"blob {descriptor.Digest} is {descriptor.Size} bytes, more than the {maxBytes} allowed");
        }

        await using var stream = await OpenBlobAsync(descriptor.Digest, descriptor.Size, cancellationToken);
        var buffer = new byte[descriptor.Size];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            // Reading past the end is what runs the digest check (and catches a longer file).
            if (await stream.ReadAsync(new byte[1], cancellationToken) != 0)
            {
                throw new InvalidDataException($"blob {descriptor.Digest} is longer than its descriptor's size {descriptor.Size}");
            }
        }
        catch (EndOfStreamException ex)
        {
            throw new OciLayoutException($"blob {descriptor.Digest} is shorter than its descriptor's size {descriptor.Size}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new OciLayoutException(ex.Message, ex);
        }

        return buffer;
    }

    /// <summary>Reads and parses the manifest or index a descriptor points at, checking size limit and digest.</summary>
    /// <param name="descriptor">The manifest's descriptor, for example an index.json entry.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ManifestContent> ReadManifestAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var bytes = await ReadSmallBlobAsync(descriptor, MaxManifestBytes, cancellationToken);
        var declared = MediaTypes.IsManifest(descriptor.MediaType) ? descriptor.MediaType : null;
        var manifest = ManifestParser.TryParse(bytes, declared, out var error)
            ?? throw new OciLayoutException($"manifest {descriptor.Digest} is invalid: {error}");
        return new ManifestContent(descriptor with { MediaType = manifest.MediaType }, manifest, bytes);
    }

    /// <summary>Reads index.json: the manifests this layout names, with their annotations.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="OciLayoutException">index.json is missing, larger than 4 MiB or invalid.</exception>
    public async Task<IReadOnlyList<Descriptor>> GetManifestsAsync(CancellationToken cancellationToken = default)
        => (await ReadIndexAsync(cancellationToken)).Manifests;

    /// <summary>
    /// Finds the index.json entry whose <c>org.opencontainers.image.ref.name</c> is <paramref name="refName"/>;
    /// with null, the only entry (an error when there are several).
    /// </summary>
    /// <param name="refName">The reference name, or null for the single manifest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="OciLayoutException">No entry (or more than one) matches; the message lists the names there are.</exception>
    public async Task<Descriptor> ResolveAsync(string? refName, CancellationToken cancellationToken = default)
    {
        var manifests = await GetManifestsAsync(cancellationToken);
        if (refName is null)
        {
            return manifests.Count == 1
                ? manifests[0]
                : throw new OciLayoutException(
                    $"layout '{RootPath}' has {manifests.Count} manifests; name one of: {DescribeRefs(manifests)}");
        }

        var matches = manifests.Where(m => RefName(m) == refName).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new OciLayoutException($"layout '{RootPath}' has no manifest named '{refName}'; it has: {DescribeRefs(manifests)}"),
            _ => throw new OciLayoutException($"layout '{RootPath}' has {matches.Count} manifests named '{refName}'"),
        };
    }

    /// <summary>
    /// Resolves a descriptor to an image manifest: an image manifest is returned as is, an index (nested up to
    /// four deep) picks the entry for <paramref name="platform"/> (default linux/amd64).
    /// </summary>
    /// <param name="descriptor">A manifest or index descriptor, for example from <see cref="ResolveAsync"/>.</param>
    /// <param name="platform">The platform wanted; null for linux/amd64.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="NoMatchingPlatformException">An index has no entry for the platform; it lists the ones it has.</exception>
    public async Task<ManifestContent> ResolveImageAsync(Descriptor descriptor, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var content = await ReadManifestAsync(descriptor, cancellationToken);
        for (var depth = 0; content.Manifest.IsIndex; depth++)
        {
            if (depth == 4)
            {
                throw new OciLayoutException($"index {descriptor.Digest} nests indexes more than four deep");
            }

            var chosen = PlatformSelector.Select(content.Descriptor.Digest, content.Manifest, platform ?? PlatformSelector.LinuxAmd64);
            content = await ReadManifestAsync(chosen, cancellationToken);
        }

        return content;
    }

    /// <summary>
    /// Stores a manifest or index and names it in index.json with <paramref name="refName"/>, replacing the entry
    /// that had that name. The manifest is validated first, and refused when a blob or child manifest it refers to is
    /// not in the layout yet (so index.json never names an incomplete image).
    /// </summary>
    /// <param name="content">The manifest bytes exactly as their digest should cover them.</param>
    /// <param name="mediaType">The manifest's media type.</param>
    /// <param name="refName">The reference name (image-spec grammar, e.g. <c>v1</c> or <c>models/iris:v3</c>); null adds an unnamed entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The index.json entry written.</returns>
    /// <exception cref="ArgumentException">The manifest is invalid or the reference name does not follow the grammar.</exception>
    /// <exception cref="OciLayoutException">The manifest refers to content the layout does not have.</exception>
    public async Task<Descriptor> WriteManifestAsync(
        ReadOnlyMemory<byte> content, string mediaType, string? refName, CancellationToken cancellationToken = default)
    {
        if (refName is not null && !IsValidRefName(refName))
        {
            throw new ArgumentException($"'{refName}' is not a valid image layout reference name", nameof(refName));
        }

        if (content.Length > MaxManifestBytes)
        {
            throw new ArgumentException($"manifest is {content.Length} bytes, more than the {MaxManifestBytes} allowed", nameof(content));
        }

        var manifest = ManifestParser.TryParse(content, mediaType, out var error)
            ?? throw new ArgumentException($"manifest is invalid: {error}", nameof(content));
        var missing = manifest.Blobs.Concat(manifest.Manifests).Where(d => !d.IsForeign && !HasBlob(d.Digest)).Select(d => d.Digest.ToString()).ToList();
        if (missing.Count > 0)
        {
            throw new OciLayoutException($"manifest refers to blobs the layout does not have: {string.Join(", ", missing)}");
        }

        using var stream = new MemoryStream(content.ToArray(), writable: false);
        var blob = await WriteBlobAsync(stream, cancellationToken: cancellationToken);
        var annotations = refName is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [RefNameAnnotation] = refName };
        var entry = new Descriptor(manifest.MediaType, blob.Digest, blob.Size, Annotations: annotations);

        await _indexLock.WaitAsync(cancellationToken);
        try
        {
            var index = await ReadIndexAsync(cancellationToken);
            var kept = refName is null ? index.Manifests : index.Manifests.Where(m => RefName(m) != refName);
            var updated = DescriptorJson.Index(kept.Append(entry), index.Annotations);
            await WriteAtomicAsync(Path.Combine(RootPath, "index.json"), updated, cancellationToken);
        }
        finally
        {
            _indexLock.Release();
        }

        return entry;
    }

    /// <summary>True when <paramref name="refName"/> follows the image-spec reference-name grammar.</summary>
    /// <param name="refName">The name to check.</param>
    public static bool IsValidRefName(string refName)
        => refName.Length is > 0 and <= 255 && RefNamePattern().IsMatch(refName);

    /// <summary>The reference name of an index.json entry, if it has one.</summary>
    /// <param name="descriptor">An index.json entry.</param>
    public static string? RefName(Descriptor descriptor)
        => descriptor.Annotations is { } a && a.TryGetValue(RefNameAnnotation, out var name) ? name : null;

    /// <summary>The path of a blob in this layout; safe because a parsed digest has only lowercase hex.</summary>
    private string BlobPath(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("digest is empty", nameof(digest));
        }

        return Path.Combine(RootPath, "blobs", digest.Algorithm, digest.Hex);
    }

    private async Task<Manifest> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(RootPath, "index.json");
        if (!File.Exists(path))
        {
            throw new OciLayoutException($"layout '{RootPath}' has no index.json");
        }

        var bytes = await ReadLimitedAsync(path, MaxManifestBytes, "index.json", cancellationToken);
        var index = ManifestParser.TryParse(bytes, null, out var error)
            ?? throw new OciLayoutException($"'{RootPath}/index.json' is invalid: {error}");
        return index.IsIndex ? index : throw new OciLayoutException($"'{RootPath}/index.json' is not an image index");
    }

    private static string DescribeRefs(IReadOnlyList<Descriptor> manifests)
        => manifests.Count == 0
            ? "(none)"
            : string.Join(", ", manifests.Select(m => RefName(m) is { } name ? $"'{name}'" : $"(unnamed {m.Digest})"));

    private static async Task<byte[]> ReadLimitedAsync(string path, int maxBytes, string what, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        if (file.Length > maxBytes)
        {
            throw new OciLayoutException($"{what} is {file.Length} bytes, more than the {maxBytes} allowed");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await file.ReadAsync(chunk, cancellationToken)) > 0)
        {
            // The length check above can race a growing file; this one cannot.
            if (buffer.Length + n > maxBytes)
            {
                throw new OciLayoutException($"{what} is more than the {maxBytes} bytes allowed");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static async Task WriteAtomicAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RefNamePattern();
}
