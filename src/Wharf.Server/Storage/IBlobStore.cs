using Wharf.Oci;

namespace Wharf.Server.Storage;

/// <summary>
/// The one content-addressed store for all bytes (registry blobs, run artifacts, model files).
/// A blob is visible under its digest only once all its bytes are durable and hash to that digest.
/// </summary>
internal interface IBlobStore
{
    /// <summary>Size of a stored blob, or null when it is absent.</summary>
    Task<long?> GetSizeAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored blob for reading (seekable, for ranges), or null when it is absent.</summary>
    Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams <paramref name="content"/> into the store, hashing as it goes. When <paramref name="expected"/> is
    /// given the bytes must hash to it, or <see cref="BlobDigestMismatchException"/> is thrown and nothing is stored.
    /// Writing content that is already stored is safe and leaves one copy.
    /// </summary>
    Task<BlobWriteResult> WriteAsync(Stream content, Digest? expected = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when it was absent.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Enumerates stored blobs with their sizes.</summary>
    IAsyncEnumerable<BlobEntry> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Count and total bytes of stored blobs.</summary>
    Task<BlobStoreUsage> GetUsageAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Throws when the store cannot accept writes right now (readiness). Each driver probes in its own way without
    /// leaving a blob behind, which is why this is part of the contract rather than a write of a probe blob.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken = default);

    // Staged uploads: bytes that arrive over several requests (the registry's chunked uploads) before their digest
    // is known. A staged upload is invisible as a blob until committed; committing publishes it without copying.

    /// <summary>Bytes staged so far under <paramref name="uploadId"/>, or null when there is no such upload.</summary>
    Task<long?> GetStagedLengthAsync(Guid uploadId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="content"/> to the staged upload, which must currently hold exactly
    /// <paramref name="offset"/> bytes (an absent upload holds 0), else <see cref="BlobStagingOffsetException"/>. All or
    /// nothing: if the stream fails part way, the upload is cut back to <paramref name="offset"/> bytes. Returns the
    /// new length, durable when this returns.
    /// </summary>
    Task<long> AppendStagedAsync(Guid uploadId, long offset, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes the staged bytes as a blob if they hash to <paramref name="expected"/>, and removes the staged upload
    /// either way (a mismatch throws <see cref="BlobDigestMismatchException"/>). Throws
    /// <see cref="KeyNotFoundException"/> when there is no such upload.
    /// </summary>
    Task<BlobWriteResult> CommitStagedAsync(Guid uploadId, Digest expected, CancellationToken cancellationToken = default);

    /// <summary>Discards a staged upload; false when there was none.</summary>
    Task<bool> DeleteStagedAsync(Guid uploadId, CancellationToken cancellationToken = default);
}

/// <summary>What a write stored.</summary>
/// <param name="Digest">The digest of the stored bytes.</param>
/// <param name="Size">The number of bytes.</param>
/// <param name="Created">False when identical content was already stored.</param>
internal sealed record BlobWriteResult(Digest Digest, long Size, bool Created);

internal sealed record BlobEntry(Digest Digest, long Size);

internal sealed record BlobStoreUsage(long Count, long TotalBytes);

/// <summary>The streamed bytes did not hash to the digest the caller promised.</summary>
internal sealed class BlobDigestMismatchException(Digest expected, Digest actual)
    : Exception($"content digest {actual} does not match the expected {expected}")
{
    public Digest Expected { get; } = expected;

    public Digest Actual { get; } = actual;
}
