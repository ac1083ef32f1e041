using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Wharf.Server.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the PostgreSQL context without starting the server (see <see cref="WharfDbContext"/>
/// for the command). Adding a migration never connects; set <c>WHARF_DESIGN_POSTGRES</c> for commands that do.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWharfDbContext>
{
    public PostgresWharfDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("WHARF_DESIGN_POSTGRES")
            ?? "Host=127.0.0.1;Database=wharf;Username=wharf";
        var options = new DbContextOptionsBuilder<PostgresWharfDbContext>();
        options.UseWharfPostgres(connectionString);
        return new PostgresWharfDbContext(options.Options);
    }
}
