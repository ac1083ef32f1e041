using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// A real, throwaway PostgreSQL server for the test run, made from the machine's server binaries: <c>initdb</c> into a
/// temporary directory, listening on a free loopback port (and a unix socket in that directory), fsync off. It is
/// started once for every test of <see cref="PostgresServerCollection"/> and removed with its directory at the end.
/// Each test takes its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// Use it by putting the test class in the collection and taking the server in the constructor:
/// <code>
/// [Collection(PostgresServerCollection.Name)]
/// public sealed class MyTests(PostgresServer postgres) { ... await using var db = await postgres.CreateDatabaseAsync(); ... }
/// </code>
/// Missing binaries fail every such test with a message saying what to install: PostgreSQL is part of the
/// supported platform, so its tests never skip silently. initdb and postgres refuse to run as root; as root the
/// fixture runs them as the <c>postgres</c> user (which the Debian package creates).
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>Overrides where the server binaries are looked for (a directory holding initdb and pg_ctl).</summary>
    public const string BinDirectoryVariable = "WHARF_TEST_POSTGRES_BIN";

    private const string SuperUser = "wharf";
    private const string ServiceUser = "postgres";

    private string? root;
    private string? binDirectory;
    private string? runAs;
    private bool started;

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(root!, "data");

    private string LogFile => Path.Combine(root!, "postgres.log");

    public async Task InitializeAsync()
    {
        binDirectory = FindBinDirectory();
        root = Path.Combine(Path.GetTempPath(), $"wharf-pg-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(root);

        if (Environment.IsPrivilegedProcess)
        {
            runAs = ServiceUser;
            var (exitCode, _) = await RunAsync("id", ["-u", ServiceUser], asServiceUser: false, throwOnError: false);
            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The tests run as root, and PostgreSQL refuses to run as root, but there is no '{ServiceUser}' user " +
                    $"to run it as. Install PostgreSQL (apt-get install postgresql), which creates it, or run the tests " +
                    "as an unprivileged user.");
            }

            await RunAsync("chown", ["-R", $"{ServiceUser}:", root], asServiceUser: false);
        }

        await RunAsync(
            Path.Combine(binDirectory, "initdb"),
            ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            asServiceUser: true);

        // A free port can be taken between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            var options = string.Join(' ',
                $"-p {Port}",
                "-c listen_addresses=127.0.0.1",
                $"-c unix_socket_directories={root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300");
            var (exitCode, output) = await RunAsync(
                Path.Combine(binDirectory, "pg_ctl"),
                ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"],
                asServiceUser: true,
                throwOnError: false);
            if (exitCode == 0)
            {
                started = true;
                break;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL did not start (pg_ctl exit code {exitCode}): {output}\n{ReadLogTail()}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (started)
        {
            await RunAsync(
                Path.Combine(binDirectory!, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"],
                asServiceUser: true, throwOnError: false);
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A straggling postgres process may still hold a file; the temp directory is swept by the OS.
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the cluster's superuser.</summary>
    public string ConnectionString(string database = "postgres")
        => new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Username = SuperUser,
            Database = database,
            // Test databases come and go; idle pooled connections to dropped ones are not worth keeping.
            ConnectionIdleLifetime = 10,
        }.ConnectionString;

    /// <summary>Creates a fresh, empty database with a random name; disposing the result drops it.</summary>
    public async Task<Database> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
        return new Database(this, name);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"{BinDirectoryVariable}={configured} holds no initdb.");
        }

        // Debian installs each major version side by side; take the newest.
        const string debianRoot = "/usr/lib/postgresql";
        var candidates = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Directory, "initdb")) && File.Exists(Path.Combine(c.Directory, "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Directory)
                .ToList()
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under /usr/lib/postgresql/*/bin. " +
            "Wharf's data-layer tests run against PostgreSQL as well as SQLite and do not skip: install the server " +
            $"(apt-get install postgresql) or point {BinDirectoryVariable} at a directory holding its binaries.");
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string ReadLogTail()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IReadOnlyList<string> arguments, bool asServiceUser, bool throwOnError = true)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        if (asServiceUser && runAs is not null)
        {
            startInfo.FileName = "runuser";
            foreach (var argument in (string[])["-u", runAs, "--", fileName])
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["LC_ALL"] = "C";
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (await stdout + await stderr).Trim();
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {output}");
        }

        return (process.ExitCode, output);
    }

    /// <summary>A database of its own for one test; disposing drops it.</summary>
    public sealed class Database(PostgresServer server, string name) : IAsyncDisposable
    {
        public string Name { get; } = name;

        public string ConnectionString { get; } = server.ConnectionString(name);

        public async ValueTask DisposeAsync()
        {
            using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            // FORCE ends sessions a test left open (a host that didn't stop, a pooled connection).
            await server.ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", CancellationToken.None);
        }
    }
}
