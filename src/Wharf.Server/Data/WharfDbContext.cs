using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Events;
using Wharf.Server.Events.Webhooks;
using Wharf.Server.Images;
using Wharf.Server.Models;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;

namespace Wharf.Server.Data;

/// <summary>
/// The platform's metadata database. Feature services use it directly (no repository layer): inject
/// <see cref="WharfDbContext"/> in request code, or <c>IDbContextFactory&lt;WharfDbContext&gt;</c> in singletons and
/// background services. The instance is always a provider-specific subclass (<see cref="SqliteWharfDbContext"/> or
/// <see cref="PostgresWharfDbContext"/>) because each provider has its own migration set; the model is defined once,
/// here.
/// </summary>
/// <remarks>
/// Adding to the model: add an <c>IEntityTypeConfiguration</c> in the feature's folder, apply it in
/// <see cref="OnModelCreating"/>, then add a migration for BOTH providers from the repository root:
/// <code>
/// dotnet tool restore
/// dotnet ef migrations add AddWidgets --project src/Wharf.Server --context SqliteWharfDbContext --output-dir Data/Migrations/Sqlite
/// dotnet ef migrations add AddWidgets --project src/Wharf.Server --context PostgresWharfDbContext --output-dir Data/Migrations/Postgres
/// </code>
/// Names are snake_case in the database (<see cref="SnakeCaseNamingConvention"/>); times are
/// <see cref="DateTimeOffset"/> in UTC (from <see cref="TimeProvider"/>).
/// </remarks>
internal abstract class WharfDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Setting> Settings => Set<Setting>();

    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();

    public DbSet<OutboxDelivery> OutboxDeliveries => Set<OutboxDelivery>();

    public DbSet<RegistryRepository> RegistryRepositories => Set<RegistryRepository>();

    public DbSet<RegistryBlob> RegistryBlobs => Set<RegistryBlob>();

    public DbSet<RegistryBlobLink> RegistryBlobLinks => Set<RegistryBlobLink>();

    public DbSet<RegistryManifest> RegistryManifests => Set<RegistryManifest>();

    public DbSet<RegistryManifestReference> RegistryManifestReferences => Set<RegistryManifestReference>();

    public DbSet<RegistryTag> RegistryTags => Set<RegistryTag>();

    public DbSet<RegistryUpload> RegistryUploads => Set<RegistryUpload>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ServiceAccount> ServiceAccounts => Set<ServiceAccount>();

    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();

    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

    public DbSet<AccessTokenGrant> AccessTokenGrants => Set<AccessTokenGrant>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<Experiment> Experiments => Set<Experiment>();

    public DbSet<ExperimentTag> ExperimentTags => Set<ExperimentTag>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<RunParam> RunParams => Set<RunParam>();

    public DbSet<RunTag> RunTags => Set<RunTag>();

    public DbSet<RunMetric> RunMetrics => Set<RunMetric>();

    public DbSet<LatestMetric> LatestMetrics => Set<LatestMetric>();

    public DbSet<RunArtifact> RunArtifacts => Set<RunArtifact>();

    public DbSet<RunDatasetInput> RunDatasetInputs => Set<RunDatasetInput>();

    public DbSet<RunDatasetInputTag> RunDatasetInputTags => Set<RunDatasetInputTag>();

    public DbSet<RegisteredModel> RegisteredModels => Set<RegisteredModel>();

    public DbSet<RegisteredModelTag> RegisteredModelTags => Set<RegisteredModelTag>();

    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();

    public DbSet<ModelVersionTag> ModelVersionTags => Set<ModelVersionTag>();

    public DbSet<ModelAlias> ModelAliases => Set<ModelAlias>();

    public DbSet<ModelImageSetting> ModelImageSettings => Set<ModelImageSetting>();

    public DbSet<ModelImageBuild> ModelImageBuilds => Set<ModelImageBuild>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<WebhookDeliveryAttempt> WebhookDeliveryAttempts => Set<WebhookDeliveryAttempt>();

    /// <summary>
    /// The provider's byte-order collation for names that must sort in lexical (ordinal) order, or null when the
    /// provider's default already does (SQLite's BINARY).
    /// </summary>
    protected virtual string? OrdinalCollation => null;

    /// <summary>
    /// A time as this provider stores it, for parameters of raw SQL, which bypass EF's value converters: PostgreSQL
    /// takes the <see cref="DateTimeOffset"/> (timestamptz); SQLite keeps UTC ticks (<see cref="UtcTicksConverter"/>).
    /// </summary>
    public virtual object ToStoreTime(DateTimeOffset value) => value;

    /// <summary>Set when saved events wait for a commit; the outbox interceptor wakes the dispatcher then.</summary>
    internal bool EventsAwaitingCommit { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Applied one by one rather than by assembly scanning, so the model reads as a table of contents.
        modelBuilder.ApplyConfiguration(new SettingConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxEventConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxDeliveryConfiguration());
        modelBuilder.ApplyRegistryModel(OrdinalCollation);
        modelBuilder.ApplyAuthModel();
        modelBuilder.ApplyTrackingModel(postgres: this is PostgresWharfDbContext);
        modelBuilder.ApplyModelsModel();
        modelBuilder.ApplyConfiguration(new ModelImageSettingConfiguration());
        modelBuilder.ApplyConfiguration(new ModelImageBuildConfiguration());
        modelBuilder.ApplyWebhooksModel();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Conventions.Add(_ => new SnakeCaseNamingConvention());
    }
}
