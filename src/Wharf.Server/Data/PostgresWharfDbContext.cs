using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Data;

/// <summary>The PostgreSQL flavour of <see cref="WharfDbContext"/>; owns the migrations in <c>Migrations/Postgres</c>.</summary>
internal sealed class PostgresWharfDbContext(DbContextOptions<PostgresWharfDbContext> options) : WharfDbContext(options)
{
    /// <summary>"C" compares bytes, whatever locale the database was created with.</summary>
    protected override string? OrdinalCollation => "C";
}
