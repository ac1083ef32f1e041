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
        var stripe = _stripes[StripeOf(digest)];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    /// <summary>
    /// Holds the locks of several digests at once (garbage collection sweeping a batch). Stripes are taken in
    /// ascending order, so two holders of several can never wait on each other in a cycle.
    /// </summary>
    public async Task<IDisposable> AcquireAllAsync(IEnumerable<Digest> digests, CancellationToken cancellationToken = default)
    {
        var held = new List<SemaphoreSlim>();
        try
        {
            foreach (var index in digests.Select(StripeOf).Distinct().Order())
            {
                await _stripes[index].WaitAsync(cancellationToken);
                held.Add(_stripes[index]);
            }
        }
        catch
        {
            held.ForEach(s => s.Release());
            throw;
        }

        return new ReleaseAll(held);
    }

    // The digest is already a uniform hash: its first byte picks the stripe.
    private static int StripeOf(Digest digest) => Convert.ToByte(digest.Hex[..2], 16);

    private sealed class ReleaseAll(List<SemaphoreSlim> stripes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripes.ForEach(s => s.Release());
            }
        }
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
