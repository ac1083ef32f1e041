using Wharf.Oci;

namespace Wharf.Server.Registry;

/// <summary>
/// Serializes, per digest, the two moments that race on a blob's existence: an upload publishing bytes and recording
/// them, and garbage collection re-checking and removing them. Striped, so it costs a fixed 256 semaphores however
/// many blobs there are. Uploads stream without it; only the short publish-and-record step holds it.
/// </summary>
internal sealed class BlobLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        // The digest is already a uniform hash: its first byte picks the stripe.
        var stripe = _stripes[Convert.ToByte(digest.Hex[..2], 16)];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
