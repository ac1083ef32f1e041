using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Events;

/// <summary>
/// Delivers outbox events to in-process subscribers (see <see cref="OutboxProcessor"/> for the protocol). It runs
/// a pass, then sleeps until a local commit wakes it (<see cref="OutboxSignal"/>) or the poll interval passes;
/// a failed pass (database down) is logged and retried after the interval, never fatal.
/// </summary>
internal sealed class EventDispatcher(
    OutboxProcessor processor,
    OutboxSignal signal,
    IServiceScopeFactory scopeFactory,
    IOptions<EventsOptions> options,
    TimeProvider timeProvider,
    ILogger<EventDispatcher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Delivery records are keyed by subscriber name: two subscribers sharing one would steal each other's events.
        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            var names = scope.ServiceProvider.GetServices<IEventSubscriber>().Select(s => s.Name).ToList();
            var invalid = names.Where(n => string.IsNullOrWhiteSpace(n) || n.Length > OutboxDelivery.MaxSubscriberLength)
                .Concat(names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
                .ToList();
            if (invalid.Count > 0)
            {
                throw new StartupException(
                    $"Event subscriber names must be unique, non-empty and at most {OutboxDelivery.MaxSubscriberLength} "
                    + $"characters; these are not: {string.Join(", ", invalid.Select(n => $"'{n}'"))}.");
            }

            Log.DispatcherStarted(logger, names.Count);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Some providers complete "async" I/O synchronously; don't hold up the host's start with the first pass.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var moreWork = false;
            try
            {
                moreWork = (await processor.RunOnceAsync(stoppingToken)).MoreWork;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.PassFailed(logger, ex);
            }

            if (!moreWork)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
