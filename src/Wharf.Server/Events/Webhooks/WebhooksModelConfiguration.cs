using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;

namespace Wharf.Server.Events.Webhooks;

internal static class WebhooksModelConfiguration
{
    public static ModelBuilder ApplyWebhooksModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Webhook>(b =>
        {
            b.ToTable("webhooks");
            b.Property(w => w.Url).HasMaxLength(Webhook.MaxUrlLength);
            b.Property(w => w.Events).HasMaxLength(Webhook.MaxEventsLength);
            b.Property(w => w.ProtectedSecret).HasMaxLength(Webhook.MaxProtectedSecretLength);
            b.Property(w => w.Description).HasMaxLength(Webhook.MaxDescriptionLength);
            b.Property(w => w.CreatedBy).HasMaxLength(Webhook.MaxCreatedByLength);

            // A project's webhooks go with it.
            b.HasOne<Project>().WithMany().HasForeignKey(w => w.ProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(w => new { w.ProjectId, w.Active });
        });

        modelBuilder.Entity<WebhookDelivery>(b =>
        {
            b.ToTable("webhook_deliveries");
            b.Property(d => d.EventType).HasMaxLength(WebhookDelivery.MaxEventTypeLength);
            b.Property(d => d.BodySha256).HasMaxLength(64);
            b.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
            b.Property(d => d.State).HasConversion<string>().HasMaxLength(20);
            b.HasOne(d => d.Webhook).WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(d => d.DeliveryId).IsUnique();

            // The event subscriber may see an event twice (at-least-once): one delivery per webhook and event anyway.
            b.HasIndex(d => new { d.WebhookId, d.EventId }).IsUnique();

            // The sender's "due now" scan.
            b.HasIndex(d => new { d.State, d.NextAttemptAt });
        });

        modelBuilder.Entity<WebhookDeliveryAttempt>(b =>
        {
            b.ToTable("webhook_delivery_attempts");
            b.Property(a => a.Error).HasMaxLength(WebhookDelivery.MaxErrorLength);
            b.HasOne<WebhookDelivery>().WithMany(d => d.AttemptLog).HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(a => new { a.DeliveryId, a.Attempt }).IsUnique();
        });

        return modelBuilder;
    }
}
