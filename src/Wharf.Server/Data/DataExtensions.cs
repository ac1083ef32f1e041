using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Data;

internal static class DataExtensions
{
    /// <summary>
    /// Registers the metadata database: <see cref="WharfDbContext"/> (scoped), <c>IDbContextFactory&lt;WharfDbContext&gt;</c>
    /// (for singletons and background services), the start-up migration and the readiness check. Other features
    /// hook into every context by registering an EF <see cref="IInterceptor"/> singleton.
    /// Contexts come from a pool: setting up a new context's internal services was a sixth of the CPU of a small
    /// registry GET. A pooled context is reset when disposed, so it must hold no state of its own beyond EF's.
    /// </summary>
    public static IServiceCollection AddWharfData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddPooledDbContextFactory<SqliteWharfDbContext>((sp, options) =>
        {
            var connectionString = DatabaseConfiguration.BuildSqliteConnectionString(
                sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString,
                sp.GetRequiredService<IOptions<WharfOptions>>().Value.DataDirectoryFullPath);
            options.UseWharfSqlite(connectionString).AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddPooledDbContextFactory<PostgresWharfDbContext>((sp, options) =>
        {
            var connectionString = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!;
            options.UseWharfPostgres(connectionString).AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddSingleton<IDbContextFactory<WharfDbContext>, WharfDbContextFactory>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<WharfDbContext>>().CreateDbContext());

        services.AddSingleton<DatabaseSchema>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>(
            "database", tags: [HostingExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return services;
    }
}
