namespace Wharf.Server.Storage;

/// <summary>A chunk was sent for an offset other than the end of the staged upload.</summary>
internal sealed class BlobStagingOffsetException(long expected, long actual)
    : Exception($"upload holds {actual} bytes; a chunk must start there, not at {expected}")
{
    /// <summary>The offset the chunk claimed.</summary>
    public long Requested { get; } = expected;

    /// <summary>The bytes the upload actually holds.</summary>
    public long Length { get; } = actual;
}
