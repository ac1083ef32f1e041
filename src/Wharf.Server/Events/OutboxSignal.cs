using System.Threading.Channels;

namespace Wharf.Server.Events;

/// <summary>
/// Wakes the dispatcher when events were committed in this process, so delivery doesn't wait for the next poll.
/// Polling still finds events written by other processes (or when a wake-up is missed).
/// </summary>
internal sealed class OutboxSignal
{
    // Capacity 1, extra writes dropped: any number of commits between two waits is one wake-up.
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or the timeout; returns whether it was woken.</summary>
    public async Task<bool> WaitAsync(
        TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await channel.Reader.ReadAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
