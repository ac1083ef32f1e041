using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Hosting;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Data;

/// <summary>
/// One test's database: a SQLite file in a fresh temporary data directory, or a fresh database on the shared
/// <see cref="PostgresServer"/>. It wires services the way the server does (<c>AddWharfData</c>, <c>AddWharfEvents</c>),
/// and removes everything when disposed.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgresServer.Database? postgres;

    private TestDatabase(string provider, string? connectionString, PostgresServer.Database? postgres)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.postgres = postgres;
        DataDirectory = Path.Combine(Path.GetTempPath(), $"wharf-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(DataDirectory);
    }

    public string Provider { get; }

    public string? ConnectionString { get; }

    /// <summary>The server's data directory; the SQLite file lives here.</summary>
    public string DataDirectory { get; }

    public string SqliteFile => Path.Combine(DataDirectory, DatabaseConfiguration.SqliteFileName);

    public static Task<TestDatabase> CreateSqliteAsync() =>
        Task.FromResult(new TestDatabase(DatabaseProviders.Sqlite, null, null));

    public static async Task<TestDatabase> CreatePostgresAsync(PostgresServer server)
    {
        var database = await server.CreateDatabaseAsync();
        return new TestDatabase(DatabaseProviders.Postgres, database.ConnectionString, database);
    }

    /// <summary>The configuration keys a server on this database is started with.</summary>
    public IReadOnlyDictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Wharf:DataDirectory"] = DataDirectory,
            ["Wharf:Database:Provider"] = Provider,
            ["Wharf:Database:ConnectionString"] = ConnectionString,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The server's data and events services, without HTTP; hosted services are not started.</summary>
    public ServiceProvider CreateServices(
        TimeProvider? timeProvider = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build());
        AddWharfServices(services, timeProvider, configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>A host with the data and events services: starting it migrates and runs the dispatcher.</summary>
    public IHost CreateHost(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Settings(settings));
        AddWharfServices(builder.Services, null, configure);
        return builder.Build();
    }

    /// <summary>Migrates the database the way a server start does.</summary>
    public async Task MigrateAsync()
    {
        await using var services = CreateServices();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    /// <summary>A context on this database, outside any service provider.</summary>
    public WharfDbContext CreateContext()
    {
        if (Provider == DatabaseProviders.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteWharfDbContext>();
            options.UseWharfSqlite(DatabaseConfiguration.BuildSqliteConnectionString(null, DataDirectory));
            return new SqliteWharfDbContext(options.Options);
        }
        else
        {
            var options = new DbContextOptionsBuilder<PostgresWharfDbContext>();
            options.UseWharfPostgres(ConnectionString!);
            return new PostgresWharfDbContext(options.Options);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS sweeps the temp directory.
        }
    }

    private static void AddWharfServices(
        IServiceCollection services, TimeProvider? timeProvider, Action<IServiceCollection>? configure)
    {
        services.AddLogging();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddOptions<WharfOptions>().BindConfiguration(WharfOptions.Section);
        services.AddWharfData();
        services.AddWharfEvents();
        configure?.Invoke(services);
    }
}
