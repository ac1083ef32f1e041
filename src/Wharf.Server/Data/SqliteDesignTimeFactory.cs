using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Wharf.Server.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the SQLite context without starting the server (see <see cref="WharfDbContext"/> for
/// the command). The file is only opened by commands that touch a database, such as <c>database update</c>.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWharfDbContext>
{
    public SqliteWharfDbContext CreateDbContext(string[] args)
    {
        var connectionString = DatabaseConfiguration.BuildSqliteConnectionString(null, Path.GetFullPath(".wharf"));
        var options = new DbContextOptionsBuilder<SqliteWharfDbContext>();
        options.UseWharfSqlite(connectionString);
        return new SqliteWharfDbContext(options.Options);
    }
}
