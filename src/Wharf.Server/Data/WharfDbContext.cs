using Microsoft.EntityFrameworkCore;
using Wharf.Server.Events;

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

    /// <summary>Set when saved events wait for a commit; the outbox interceptor wakes the dispatcher then.</summary>
    internal bool EventsAwaitingCommit { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Applied one by one rather than by assembly scanning, so the model reads as a table of contents.
        modelBuilder.ApplyConfiguration(new SettingConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxEventConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxDeliveryConfiguration());
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Conventions.Add(_ => new SnakeCaseNamingConvention());
    }
}
