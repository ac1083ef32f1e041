namespace Wharf.Oci.Registry;

/// <summary>Progress of one blob's transfer.</summary>
/// <param name="Descriptor">The blob.</param>
/// <param name="BytesDone">Bytes sent (or received) so far; for a resumed upload, the bytes the registry holds.</param>
/// <param name="Total">The blob's size.</param>
/// <param name="State">Where the transfer stands.</param>
public sealed record TransferProgress(Descriptor Descriptor, long BytesDone, long Total, TransferState State)
{
    /// <summary>The blob's digest.</summary>
    public Digest Digest => Descriptor.Digest;
}
