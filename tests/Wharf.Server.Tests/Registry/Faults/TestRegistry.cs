using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client;
using Wharf.Client.Registry;
using Wharf.Server.Data;
using Wharf.Server.Hosting;
using Wharf.Server.Registry;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// The real server in-process on its own data directory and database: a SQLite file there, or (given a
/// <see cref="PostgresServer"/>) a fresh PostgreSQL database dropped on dispose. Optionally with a fake clock, so
/// garbage collection's grace period and upload lifetimes pass at the test's command.
/// </summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    private readonly WharfFactory _root;
    private readonly WebApplicationFactory<WharfServer> _factory;
    private readonly PostgresServer.Database? _database;

    private TestRegistry(WharfFactory root, WebApplicationFactory<WharfServer> factory, PostgresServer.Database? database)
    {
        _root = root;
        _factory = factory;
        _database = database;
        Registry = new RegistryTestClient(factory.CreateClient());
        Api = new WharfClient(factory.CreateClient());
    }

    public RegistryTestClient Registry { get; }

    public WharfClient Api { get; }

    public IServiceProvider Services => _factory.Services;

    public string DataDirectory => _root.DataDirectory;

    public string BlobRoot => Path.Combine(DataDirectory, "blobs");

    public string Provider => _database is null ? "sqlite" : "postgres";

    /// <param name="postgres">The PostgreSQL server to take a database on; null for SQLite.</param>
    /// <param name="settings">Extra configuration, such as <c>Wharf:Registry:GarbageCollectionGracePeriod</c>.</param>
    /// <param name="time">Replaces the server's clock.</param>
    public static async Task<TestRegistry> StartAsync(
        PostgresServer? postgres, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        var root = new WharfFactory();
        try
        {
            // The schedule stays off: tests run collections themselves, at known moments.
            root.Settings["Wharf:Registry:GarbageCollectionInterval"] = "00:00:00";
            if (database is not null)
            {
                root.Settings["Wharf:Database:Provider"] = "postgres";
                root.Settings["Wharf:Database:ConnectionString"] = database.ConnectionString;
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                root.Settings[key] = value;
            }

            var factory = time is null
                ? root
                : root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(time)));
            var registry = new TestRegistry(root, factory, database);
            _ = registry.Services; // starts the host, so migrations have run before the first request
            return registry;
        }
        catch
        {
            await root.DisposeAsync();
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Runs the registry check through the SDK, deep by default.</summary>
    public Task<RegistryCheckReport> CheckAsync(bool verify = true, bool repair = false) => Api.CheckRegistryAsync(verify, repair);

    public Task<GarbageCollectionReport> CollectGarbageAsync() => Services.GetRequiredService<RegistryGarbageCollector>().CollectAsync();

    /// <summary>Where the filesystem store keeps a blob.</summary>
    public string BlobPath(string digest)
    {
        var (algorithm, hex) = (digest[..digest.IndexOf(':', StringComparison.Ordinal)], digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        return Path.Combine(BlobRoot, algorithm, hex[..2], hex);
    }

    /// <summary>Where the filesystem store keeps a staged upload.</summary>
    public string StagedPath(Guid upload) => Path.Combine(BlobRoot, "uploads", upload.ToString("N"));

    /// <summary>Runs <paramref name="action"/> on a database context of the server's own database.</summary>
    public async Task<T> WithDatabaseAsync<T>(Func<WharfDbContext, Task<T>> action)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<WharfDbContext>>().CreateDbContextAsync();
        return await action(db);
    }

    public Task WithDatabaseAsync(Func<WharfDbContext, Task> action)
        => WithDatabaseAsync(async db =>
        {
            await action(db);
            return true;
        });

    /// <summary>
    /// Runs raw SQL with foreign keys unenforced, to make the damage that a bug or a hand-edited database could leave
    /// and that the schema otherwise prevents (a tag whose manifest row is gone).
    /// </summary>
    public Task ExecuteUncheckedAsync(string sql, params object[] parameters)
        => WithDatabaseAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            if (db.Database.IsNpgsql())
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await db.Database.ExecuteSqlRawAsync("SET LOCAL session_replication_role = replica");
                await db.Database.ExecuteSqlRawAsync(sql, parameters);
                await transaction.CommitAsync();
                return;
            }

            // A per-connection setting on a pooled connection: switched back on before the connection is reused.
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
            try
            {
                await db.Database.ExecuteSqlRawAsync(sql, parameters);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON");
            }
        });

    public async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(_factory, _root))
        {
            await _factory.DisposeAsync();
        }

        await _root.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
