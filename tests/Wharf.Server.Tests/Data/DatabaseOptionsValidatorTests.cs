using Wharf.Server.Data;
using Wharf.Server.Hosting;

namespace Wharf.Server.Tests.Data;

public sealed class DatabaseOptionsValidatorTests
{
    private readonly DatabaseOptionsValidator validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = validator.Validate(null, new DatabaseOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_PostgresWithoutConnectionString_NamesTheKey()
    {
        var result = validator.Validate(null, new DatabaseOptions { Provider = "postgres" });

        Assert.True(result.Failed);
        Assert.Contains(
            "Wharf:Database:ConnectionString is required when Wharf:Database:Provider is 'postgres'",
            result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownProvider_ListsTheAllowedOnes()
    {
        var result = validator.Validate(null, new DatabaseOptions { Provider = "mysql" });

        Assert.True(result.Failed);
        Assert.Contains("Wharf:Database:Provider 'mysql' is not supported", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("sqlite, postgres", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MalformedPostgresConnectionString_NamesTheKey()
    {
        var result = validator.Validate(
            null, new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=db;NoSuchKeyword=1" });

        Assert.True(result.Failed);
        Assert.Contains("Wharf:Database:ConnectionString is not a valid PostgreSQL connection string", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PostgresWithoutConnectionString_ExitsWithConfigurationError()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"wharf-test-{Guid.NewGuid():N}");
        try
        {
            var exitCode = await WharfServer.RunAsync(
                ["--urls", "http://127.0.0.1:0", $"--Wharf:DataDirectory={dataDirectory}", "--Wharf:Database:Provider=postgres"]);

            Assert.Equal(2, exitCode);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
