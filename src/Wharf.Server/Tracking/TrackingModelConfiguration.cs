using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;

namespace Wharf.Server.Tracking;

/// <summary>
/// The tracking tables. What the API asks of them, and the index that answers:
/// <list type="bullet">
/// <item>runs of some experiments in a view type, newest first (search's default order and paging):
/// <c>tracking_runs (experiment_id, lifecycle_stage, start_time, run_uuid)</c>;</item>
/// <item>a param, tag or latest metric of a run (search filters as correlated EXISTS, run pages): the (run, key)
/// primary keys; the most selective filters go the other way, from value to runs, through (key, value) indexes;</item>
/// <item>a metric's history in (step, timestamp) order, paged by keyset:
/// <c>tracking_metrics (run_uuid, key, step, timestamp, id)</c>;</item>
/// <item>a run's artifact tree and one file of it: <c>tracking_artifacts (run_uuid, path)</c>; whether any artifact
/// still needs a blob (garbage collection): <c>tracking_artifacts (digest)</c>;</item>
/// <item>a run's dataset inputs: <c>tracking_dataset_inputs (run_uuid, name, digest)</c>.</item>
/// </list>
/// </summary>
internal static class TrackingModelConfiguration
{
    public static ModelBuilder ApplyTrackingModel(this ModelBuilder model)
    {
        model.Entity<Experiment>(e =>
        {
            e.ToTable("tracking_experiments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(Experiment.MaxNameLength);
            e.Property(x => x.ArtifactLocation).HasMaxLength(1000);
            e.Property(x => x.LifecycleStage).HasMaxLength(20);
            e.HasIndex(x => new { x.ProjectId, x.Name }).IsUnique();
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ExperimentTag>(e =>
        {
            e.ToTable("tracking_experiment_tags");
            e.HasKey(x => new { x.ExperimentId, x.Key });
            e.Property(x => x.Key).HasMaxLength(RunTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunTag.MaxValueLength);
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Run>(e =>
        {
            e.ToTable("tracking_runs");
            e.HasKey(x => x.RunUuid);
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(Run.MaxNameLength);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.LifecycleStage).HasMaxLength(20);
            e.Property(x => x.UserId).HasMaxLength(256);
            e.Property(x => x.ArtifactUri).HasMaxLength(1000);
            e.HasIndex(x => new { x.ExperimentId, x.LifecycleStage, x.StartTime, x.RunUuid });
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunParam>(e =>
        {
            e.ToTable("tracking_params");
            e.HasKey(x => new { x.RunUuid, x.Key });
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(RunParam.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunParam.MaxValueLength);
            e.HasIndex(x => new { x.Key, x.Value });
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunTag>(e =>
        {
            e.ToTable("tracking_run_tags");
            e.HasKey(x => new { x.RunUuid, x.Key });
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(RunTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunTag.MaxValueLength);
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunMetric>(e =>
        {
            e.ToTable("tracking_metrics");
            e.HasKey(x => x.Id);
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(RunMetric.MaxKeyLength);
            e.HasIndex(x => new { x.RunUuid, x.Key, x.Step, x.Timestamp, x.Id });
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<LatestMetric>(e =>
        {
            e.ToTable("tracking_latest_metrics");
            e.HasKey(x => new { x.RunUuid, x.Key });
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(RunMetric.MaxKeyLength);
            e.HasIndex(x => new { x.Key, x.Value });
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunArtifact>(e =>
        {
            e.ToTable("tracking_artifacts");
            e.HasKey(x => new { x.RunUuid, x.Path });
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Path).HasMaxLength(RunArtifact.MaxPathLength);
            e.Property(x => x.Digest).HasMaxLength(140);
            e.HasIndex(x => x.Digest);
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunDatasetInput>(e =>
        {
            e.ToTable("tracking_dataset_inputs");
            e.HasKey(x => x.Id);
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(RunDatasetInput.MaxNameLength);
            e.Property(x => x.Digest).HasMaxLength(RunDatasetInput.MaxDigestLength);
            e.Property(x => x.SourceType).HasMaxLength(RunDatasetInput.MaxSourceTypeLength);
            e.HasIndex(x => new { x.RunUuid, x.Name, x.Digest }).IsUnique();
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunDatasetInputTag>(e =>
        {
            e.ToTable("tracking_dataset_input_tags");
            e.HasKey(x => new { x.InputId, x.Key });
            e.Property(x => x.Key).HasMaxLength(RunDatasetInputTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunDatasetInputTag.MaxValueLength);
            e.HasOne<RunDatasetInput>().WithMany().HasForeignKey(x => x.InputId).OnDelete(DeleteBehavior.Cascade);
        });

        return model;
    }
}
