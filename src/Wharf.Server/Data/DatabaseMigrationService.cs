namespace Wharf.Server.Data;

/// <summary>
/// Migrates the database before anything else starts: <see cref="StartingAsync"/> runs before every hosted
/// service's <c>StartAsync</c> (so background loops never see an old schema) and before Kestrel accepts a request.
/// A refusal is a <see cref="Hosting.StartupException"/>, which stops the start.
/// </summary>
internal sealed class DatabaseMigrationService(DatabaseMigrator migrator) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => migrator.EnsureMigratedAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
