using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// Turns project events into webhook deliveries: one <see cref="WebhookDelivery"/> row per matching active webhook of
/// the event's project, with the body fixed now. Nothing is sent here, so a slow receiver never holds up the outbox;
/// <see cref="WebhookDeliveryService"/> sends the rows. A redelivered event adds no second row (unique per webhook
/// and event).
/// </summary>
internal sealed class WebhookEventSubscriber(
    WharfDbContext db, WebhookSignal signal, TimeProvider timeProvider, ILogger<WebhookEventSubscriber> logger) : IEventSubscriber
{
    public const string SubscriberName = "webhooks";

    public string Name => SubscriberName;

    public IReadOnlyCollection<string> EventTypes => WebhookEventTypes.Instance;

    public async Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        var project = WebhookPayload.ProjectOf(envelope.Payload);
        if (project is null)
        {
            Log.EventWithoutProject(logger, envelope.Id, envelope.Type);
            return;
        }

        var hooks = await (
            from w in db.Webhooks
            join p in db.Projects on w.ProjectId equals p.Id
            where p.Name == project && w.Active
            select new { w.Id, w.Events }).ToListAsync(cancellationToken);
        var matching = hooks.Where(h => WebhookEventFilter.Matches(h.Events, envelope.Type)).Select(h => h.Id).ToList();
        if (matching.Count == 0)
        {
            return;
        }

        long? eventId = envelope.Id;
        var existing = await db.WebhookDeliveries
            .Where(d => d.EventId == eventId && matching.Contains(d.WebhookId))
            .Select(d => d.WebhookId)
            .ToListAsync(cancellationToken);
        var body = WebhookPayload.Build(
            envelope.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), envelope.Type, envelope.OccurredAt, project, envelope.Payload);
        var now = timeProvider.GetUtcNow();
        foreach (var webhookId in matching.Except(existing))
        {
            db.WebhookDeliveries.Add(WebhookDelivery.Create(webhookId, eventId, envelope.Type, body, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        Log.DeliveriesQueued(logger, envelope.Id, envelope.Type, matching.Count - existing.Count);
        signal.Notify();
    }
}
