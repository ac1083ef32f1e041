using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Wharf.Server.Data;

/// <summary>
/// Creates the <see cref="WharfDbContext"/> subclass of the configured provider. Only that provider's options are
/// ever built, so a SQLite server never needs a PostgreSQL connection string and vice versa.
/// </summary>
internal sealed class WharfDbContextFactory : IDbContextFactory<WharfDbContext>
{
    private readonly Func<WharfDbContext> create;

    public WharfDbContextFactory(IOptions<DatabaseOptions> options, IServiceProvider services)
    {
        create = options.Value.Provider switch
        {
            DatabaseProviders.Postgres => services.GetRequiredService<IDbContextFactory<PostgresWharfDbContext>>().CreateDbContext,
            _ => services.GetRequiredService<IDbContextFactory<SqliteWharfDbContext>>().CreateDbContext,
        };
    }

    public WharfDbContext CreateDbContext() => create();
}
