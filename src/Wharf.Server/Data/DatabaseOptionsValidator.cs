using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Wharf.Server.Data;

/// <summary>Checks the database settings at start; every message names the configuration key to fix.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        const string provider = $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}";
        const string connectionString = $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}";

        switch (options.Provider)
        {
            case DatabaseProviders.Sqlite:
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    try
                    {
                        _ = new SqliteConnectionStringBuilder(options.ConnectionString);
                    }
                    catch (ArgumentException ex)
                    {
                        return ValidateOptionsResult.Fail(
                            $"{connectionString} is not a valid SQLite connection string: {ex.Message}");
                    }
                }

                return ValidateOptionsResult.Success;

            case DatabaseProviders.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    return ValidateOptionsResult.Fail(
                        $"{connectionString} is required when {provider} is '{DatabaseProviders.Postgres}' " +
                        "(for example 'Host=db;Database=wharf;Username=wharf;Password=...').");
                }

                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    // The message of a parse failure never echoes the password; ours doesn't either.
                    return ValidateOptionsResult.Fail(
                        $"{connectionString} is not a valid PostgreSQL connection string: {ex.Message}");
                }

                return ValidateOptionsResult.Success;

            default:
                return ValidateOptionsResult.Fail(
                    $"{provider} '{options.Provider}' is not supported; use one of: {string.Join(", ", DatabaseProviders.All)}.");
        }
    }
}
