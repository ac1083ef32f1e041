using System.Collections.Concurrent;
using Wharf.Oci;
using Wharf.Oci.Registry;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>Collects progress reports synchronously, and says how many blob bytes a push actually sent.</summary>
internal sealed class RecordingProgress : IProgress<TransferProgress>
{
    public ConcurrentQueue<TransferProgress> Reports { get; } = new();

    /// <summary>The bytes of every blob that went into the Uploading state: what the push sent (0 when all were skipped or mounted).</summary>
    public long UploadedBytes => Reports.Where(r => r.State == TransferState.Uploading).DistinctBy(r => r.Digest).Sum(r => r.Total);

    public void Report(TransferProgress value) => Reports.Enqueue(value);

    public IReadOnlyList<TransferState> FinalStates(IEnumerable<Descriptor> blobs)
        => [.. blobs.Select(b => Reports.Last(r => r.Digest == b.Digest).State)];

    /// <summary>True when some blob reported bytes part-way (a chunk acknowledged before the end).</summary>
    public bool SawPartialChunks => Reports.Any(r => r.State == TransferState.Uploading && r.BytesDone > 0 && r.BytesDone < r.Total);
}
