namespace Wharf.Oci.Layout;

/// <summary>What writing one blob did.</summary>
/// <param name="Digest">The digest of the content.</param>
/// <param name="Size">The size of the content in bytes.</param>
/// <param name="Written">False when the blob was already present and nothing was written.</param>
public sealed record BlobWriteResult(Digest Digest, long Size, bool Written)
{
    /// <summary>The bytes written to storage: <see cref="Size"/> when written, else 0.</summary>
    public long BytesWritten => Written ? Size : 0;
}
