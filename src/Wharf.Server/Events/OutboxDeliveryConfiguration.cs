using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Wharf.Server.Events;

internal sealed class OutboxDeliveryConfiguration : IEntityTypeConfiguration<OutboxDelivery>
{
    public void Configure(EntityTypeBuilder<OutboxDelivery> builder)
    {
        builder.ToTable("outbox_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Subscriber).HasMaxLength(OutboxDelivery.MaxSubscriberLength);
        builder.Property(d => d.AggregateKey).HasMaxLength(OutboxEvent.MaxAggregateKeyLength);
        builder.Property(d => d.LastError).HasMaxLength(OutboxDelivery.MaxErrorLength);

        // Cleaning up an event removes its bookkeeping with it.
        builder.HasOne(d => d.Event).WithMany(e => e.Deliveries).HasForeignKey(d => d.EventId)
            .OnDelete(DeleteBehavior.Cascade);

        // One delivery per event and subscriber, even if two dispatchers fan out the same event.
        builder.HasIndex(d => new { d.EventId, d.Subscriber }).IsUnique();

        // The "due now" scan, and the "an earlier event of this aggregate is still owed" check.
        builder.HasIndex(d => new { d.DeliveredAt, d.NextAttemptAt });
        builder.HasIndex(d => new { d.Subscriber, d.AggregateKey, d.EventId });
    }
}
