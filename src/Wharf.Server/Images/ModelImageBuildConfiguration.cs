using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wharf.Server.Auth;
using Wharf.Server.Models;

namespace Wharf.Server.Images;

internal sealed class ModelImageBuildConfiguration : IEntityTypeConfiguration<ModelImageBuild>
{
    public void Configure(EntityTypeBuilder<ModelImageBuild> builder)
    {
        builder.ToTable("model_image_builds");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Status).HasMaxLength(16);
        builder.Property(b => b.ImageReference).HasMaxLength(400);
        builder.Property(b => b.ManifestDigest).HasMaxLength(200);
        builder.Property(b => b.Log).HasMaxLength(ModelImageBuild.MaxLogLength);

        // One build per version: the enqueue is INSERT ... ON CONFLICT (version_id) DO NOTHING.
        builder.HasIndex(b => b.VersionId).IsUnique();

        // The claim scan: PENDING, or RUNNING with an expired lease.
        builder.HasIndex(b => new { b.Status, b.LeaseExpiresAt });
        builder.HasOne<ModelVersion>().WithMany().HasForeignKey(b => b.VersionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Project>().WithMany().HasForeignKey(b => b.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
