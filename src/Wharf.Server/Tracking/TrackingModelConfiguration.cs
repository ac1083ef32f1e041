using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;

namespace Wharf.Server.Tracking;

/// <summary>
/// The tracking tables. What the API asks of them, and the index that answers:
/// <list type="bullet">
/// <item>runs of some experiments in a view type, newest first (search's default order and paging):
/// <c>tracking_runs (experiment_id, lifecycle_stage, start_time, run_uuid)</c>;</item>
/// <item>a param, tag or latest metric of a run (run pages, search's order terms): the (run, key) primary keys;</item>
/// <item>the runs of some experiments whose param, tag or latest metric compares with a value (search filters, as
/// IN-subqueries): <c>(experiment_id, key, [is_nan,] value, run_uuid)</c>, which holds every column the subquery reads,
/// so the database never visits the table rows; the experiment comes first so a small experiment's search reads only
/// its own slice however many runs the others hold. PostgreSQL's btree entries are limited to about 2.7 KB, and
/// params (6,000) and tags (8,000 characters) can be longer, so there the value indexes are partial, over values of at
/// most <see cref="PostgresIndexedValueLength"/> characters, and an equality search adds that length bound
/// (<see cref="SqlPredicates.Indexed"/>) so the planner can use them;</item>
/// <item>a metric's history in (step, timestamp) order, paged by keyset:
/// <c>tracking_metrics (run_uuid, key, step, timestamp, id)</c>;</item>
/// <item>a run's artifact tree and one file of it: <c>tracking_artifacts (run_uuid, path)</c>; whether any artifact
/// still needs a blob (garbage collection): <c>tracking_artifacts (digest)</c>;</item>
/// <item>a run's dataset inputs: <c>tracking_dataset_inputs (run_uuid, name, digest)</c>.</item>
/// </list>
/// </summary>
internal static class TrackingModelConfiguration
{
    /// <summary>The longest param or tag value PostgreSQL's value indexes hold (4 bytes a character at most: 2,000 bytes).</summary>
    public const int PostgresIndexedValueLength = 500;

    private static readonly string PostgresIndexFilter = $"length(\"value\") <= {PostgresIndexedValueLength}";

    public static ModelBuilder ApplyTrackingModel(this ModelBuilder model, bool postgres)
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
            var values = e.HasIndex(x => new { x.ExperimentId, x.Key, x.Value, x.RunUuid });
            if (postgres)
            {
                values.HasFilter(PostgresIndexFilter);
            }

            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunUuid).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RunTag>(e =>
        {
            e.ToTable("tracking_run_tags");
            e.HasKey(x => new { x.RunUuid, x.Key });
            e.Property(x => x.RunUuid).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(RunTag.MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(RunTag.MaxValueLength);
            var values = e.HasIndex(x => new { x.ExperimentId, x.Key, x.Value, x.RunUuid });
            if (postgres)
            {
                values.HasFilter(PostgresIndexFilter);
            }

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
            e.HasIndex(x => new { x.ExperimentId, x.Key, x.IsNan, x.Value, x.RunUuid });
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
