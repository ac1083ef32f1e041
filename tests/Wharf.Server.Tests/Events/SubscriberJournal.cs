using Wharf.Server.Events;

namespace Wharf.Server.Tests.Events;

/// <summary>
/// What the test subscribers were handed, in order, and whether they accepted it. A test can make a subscriber
/// throw on its next calls, and wait (with a generous guard, not a timing assertion) for deliveries to arrive.
/// </summary>
internal sealed class SubscriberJournal
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private readonly List<JournalEntry> entries = [];
    private readonly Dictionary<string, int> failuresToCome = new(StringComparer.Ordinal);
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes <paramref name="subscriber"/> throw on its next <paramref name="calls"/> calls.</summary>
    public void FailNext(string subscriber, int calls)
    {
        lock (gate)
        {
            failuresToCome[subscriber] = calls;
        }
    }

    public Task HandleAsync(string subscriber, EventEnvelope envelope)
    {
        TaskCompletionSource toSignal;
        bool fail;
        lock (gate)
        {
            fail = failuresToCome.TryGetValue(subscriber, out var left) && left > 0;
            if (fail)
            {
                failuresToCome[subscriber] = left - 1;
            }

            entries.Add(new JournalEntry(subscriber, envelope, Accepted: !fail));
            toSignal = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        toSignal.SetResult();
        return fail
            ? Task.FromException(new InvalidOperationException($"{subscriber} was told to fail event {envelope.Id}."))
            : Task.CompletedTask;
    }

    /// <summary>Every call to <paramref name="subscriber"/>, accepted or not, in order.</summary>
    public IReadOnlyList<JournalEntry> Calls(string subscriber)
    {
        lock (gate)
        {
            return entries.Where(e => e.Subscriber == subscriber).ToList();
        }
    }

    /// <summary>The event ids <paramref name="subscriber"/> accepted, in order.</summary>
    public IReadOnlyList<long> Accepted(string subscriber)
        => Calls(subscriber).Where(e => e.Accepted).Select(e => e.Envelope.Id).ToList();

    public async Task WaitUntilAsync(Func<SubscriberJournal, bool> condition)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await next.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The subscribers did not receive the expected events within {Guard.TotalSeconds} s.");
            }
        }
    }
}
