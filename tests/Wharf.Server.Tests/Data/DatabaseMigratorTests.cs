using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wharf.Client;
using Wharf.Server.Data;
using Wharf.Server.Hosting;

namespace Wharf.Server.Tests.Data;

/// <summary>Start-up migration and schema guards; run on SQLite and PostgreSQL by the subclasses.</summary>
public abstract class DatabaseMigratorTests : DatabaseTestBase
{
    private const string FutureMigration = "99990101000000_FromTheFuture";

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryMigration()
    {
        await using var services = Database.CreateServices();

        var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        await using var db = Database.CreateContext();
        var known = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(known);
        Assert.Equal(known, applied);
        Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(known[^1], services.GetRequiredService<DatabaseSchema>().CurrentMigration);
        Assert.Equal(0, await db.Settings.CountAsync());
    }

    [Fact]
    public async Task MigrateAsync_SecondStart_AppliesNothing()
    {
        await Database.MigrateAsync();
        await using (var db = Database.CreateContext())
        {
            db.Settings.Add(new Setting { Name = "kept", Value = "yes" });
            await db.SaveChangesAsync();
        }

        await using var services = Database.CreateServices();
        var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        Assert.Empty(applied);
        await using var check = Database.CreateContext();
        Assert.Equal(check.Database.GetMigrations().Last(), services.GetRequiredService<DatabaseSchema>().CurrentMigration);
        Assert.Equal("yes", (await check.Settings.SingleAsync(s => s.Name == "kept")).Value);
    }

    [Fact]
    public async Task MigrateAsync_UnknownAppliedMigration_RefusesAsNewerSchema()
    {
        await Database.MigrateAsync();
        await ExecuteAsync(
            $"""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('{FutureMigration}', '10.0.15')""");

        await using var services = Database.CreateServices();
        var refusal = await Assert.ThrowsAsync<StartupException>(
            () => services.GetRequiredService<DatabaseMigrator>().MigrateAsync());

        Assert.Contains("newer than this Wharf build", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(FutureMigration, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Wharf to a version that includes migration", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("restore a backup", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_SchemaMigratedByNewerVersion_NamesThatVersion()
    {
        await Database.MigrateAsync();
        await ExecuteAsync(
            $"""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('{FutureMigration}', '10.0.15')""");
        await ExecuteAsync("UPDATE wharf_schema_state SET wharf_version = '9.9.9' WHERE id = 1");

        await using var services = Database.CreateServices();
        var refusal = await Assert.ThrowsAsync<StartupException>(
            () => services.GetRequiredService<DatabaseMigrator>().MigrateAsync());

        Assert.Contains("upgrade Wharf to at least 9.9.9", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_InterruptedMigration_RefusesAsHalfMigrated()
    {
        await Database.MigrateAsync();
        await ExecuteAsync("UPDATE wharf_schema_state SET state = 'migrating', migration = '20990101000000_Halfway' WHERE id = 1");

        await using var services = Database.CreateServices();
        var refusal = await Assert.ThrowsAsync<StartupException>(
            () => services.GetRequiredService<DatabaseMigrator>().MigrateAsync());

        Assert.Contains("half-migrated", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("20990101000000_Halfway", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("restore the database from a backup", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(DatabaseMigrator.ClearMarkerSql, refusal.Message, StringComparison.Ordinal);
        Assert.Null(services.GetRequiredService<DatabaseSchema>().CurrentMigration);
    }

    [Fact]
    public async Task MigrateAsync_MarkerClearedWithTheAdvertisedSql_StartsAgain()
    {
        await Database.MigrateAsync();
        await ExecuteAsync("UPDATE wharf_schema_state SET state = 'migrating', migration = '20990101000000_Halfway' WHERE id = 1");

        await ExecuteAsync(DatabaseMigrator.ClearMarkerSql);
        await using var services = Database.CreateServices();
        var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        Assert.Empty(applied);
        Assert.NotNull(services.GetRequiredService<DatabaseSchema>().CurrentMigration);
    }

    [Fact]
    public async Task CheckHealthAsync_MigratedDatabase_IsHealthy()
    {
        await Database.MigrateAsync();
        await using var services = Database.CreateServices();

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(
            c => c.Tags.Contains(HostingExtensions.ReadyTag));

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains("database", report.Entries.Keys);
    }

    [Fact]
    public async Task Server_FreshDatabase_MigratesBeforeServingAndReportsSchemaVersion()
    {
        await using var app = WharfServer.Build(ServerArguments());
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Infrastructure.AdminTokens.Read(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WharfOptions>>().Value.DataDirectoryFullPath));

            using var ready = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
            var status = await http.GetFromJsonAsync<ServerStatus>(new Uri("/api/v1/status", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            await using var db = Database.CreateContext();
            Assert.Equal(Database.Provider, status!.Database.Provider);
            Assert.Equal(db.Database.GetMigrations().Last(), status.Database.SchemaVersion);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task RunAsync_HalfMigratedDatabase_ExitsWithRefusal()
    {
        await Database.MigrateAsync();
        await ExecuteAsync("UPDATE wharf_schema_state SET state = 'migrating', migration = '20990101000000_Halfway' WHERE id = 1");

        var exitCode = await WharfServer.RunAsync(ServerArguments());

        Assert.Equal(3, exitCode);
    }

    private string[] ServerArguments() =>
    [
        "--urls", "http://127.0.0.1:0",
        .. Database.Settings().Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}"),
    ];

    private async Task ExecuteAsync(string sql)
    {
        await using var db = Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
