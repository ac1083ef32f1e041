namespace Wharf.Server.Images;

/// <summary>Wakes the background builder early (a version became READY, a rebuild was asked); the interval is the fallback.</summary>
internal sealed class ModelImageSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every event since.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
