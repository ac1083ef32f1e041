using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The model registry's tables. A model by (project, name): unique index; a model's versions by number: unique
/// (model_id, version); the versions made from a run (search by run_id): index on run_id; aliases by (model, alias).
/// </summary>
internal static class ModelsModelConfiguration
{
    public static ModelBuilder ApplyModelsModel(this ModelBuilder model)
    {
        model.Entity<RegisteredModel>(e =>
        {
            e.ToTable("models_registered");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(RegisteredModel.MaxNameLength);
            e.Property(x => x.Description).HasMaxLength(RegisteredModel.MaxDescriptionLength);
            e.Property(x => x.UserId).HasMaxLength(256);
            e.HasIndex(x => new { x.ProjectId, x.Name }).IsUnique();
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RegisteredModelTag>(e =>
        {
            e.ToTable("models_registered_tags");
            e.HasKey(x => new { x.ModelId, x.Key });
            e.Property(x => x.Key).HasMaxLength(RunTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunTag.MaxValueLength);
            e.HasOne<RegisteredModel>().WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ModelVersion>(e =>
        {
            e.ToTable("models_versions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Source).HasMaxLength(ModelVersion.MaxSourceLength);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.ArtifactPath).HasMaxLength(RunArtifact.MaxPathLength);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.StatusMessage).HasMaxLength(ModelVersion.MaxStatusMessageLength);
            e.Property(x => x.Description).HasMaxLength(RegisteredModel.MaxDescriptionLength);
            e.Property(x => x.CurrentStage).HasMaxLength(20);
            e.Property(x => x.ManifestDigest).HasMaxLength(200);
            e.Property(x => x.UserId).HasMaxLength(256);
            e.HasIndex(x => new { x.ModelId, x.Version }).IsUnique();
            e.HasIndex(x => x.RunId);
            e.HasOne<RegisteredModel>().WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ModelVersionTag>(e =>
        {
            e.ToTable("models_version_tags");
            e.HasKey(x => new { x.VersionId, x.Key });
            e.Property(x => x.Key).HasMaxLength(RunTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunTag.MaxValueLength);
            e.HasOne<ModelVersion>().WithMany().HasForeignKey(x => x.VersionId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ModelAlias>(e =>
        {
            e.ToTable("models_aliases");
            e.HasKey(x => new { x.ModelId, x.Alias });
            e.Property(x => x.Alias).HasMaxLength(ModelAlias.MaxLength);
            e.HasOne<RegisteredModel>().WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        });

        return model;
    }
}
