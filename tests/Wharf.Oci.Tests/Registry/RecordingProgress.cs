using System.Collections.Concurrent;
using Wharf.Oci.Registry;

namespace Wharf.Oci.Tests.Registry;

/// <summary>Collects progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them later).</summary>
internal sealed class RecordingProgress : IProgress<TransferProgress>
{
    public ConcurrentQueue<TransferProgress> Reports { get; } = new();

    public void Report(TransferProgress value) => Reports.Enqueue(value);

    public IEnumerable<TransferState> StatesOf(Digest digest) => Reports.Where(r => r.Digest == digest).Select(r => r.State);
}
