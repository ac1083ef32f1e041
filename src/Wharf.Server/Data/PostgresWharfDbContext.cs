using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Data;

/// <summary>The PostgreSQL flavour of <see cref="WharfDbContext"/>; owns the migrations in <c>Migrations/Postgres</c>.</summary>
internal sealed class PostgresWharfDbContext(DbContextOptions<PostgresWharfDbContext> options) : WharfDbContext(options);
