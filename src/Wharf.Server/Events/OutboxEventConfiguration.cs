using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Wharf.Server.Events;

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> builder)
    {
        builder.ToTable("outbox_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Type).HasMaxLength(OutboxEvent.MaxTypeLength);
        builder.Property(e => e.AggregateKey).HasMaxLength(OutboxEvent.MaxAggregateKeyLength);

        // The dispatcher's "not yet fanned out, oldest first" scan.
        builder.HasIndex(e => new { e.DispatchedAt, e.Id });
    }
}
