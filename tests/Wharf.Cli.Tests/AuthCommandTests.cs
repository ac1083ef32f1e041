using System.Runtime.Versioning;
using System.Text.Json;
using Wharf.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf login|logout|project|token</c> against a real server, with credentials in a per-test directory.</summary>
public sealed class AuthCommandTests : IDisposable
{
    private readonly string configDir = Path.Combine(Path.GetTempPath(), $"wharf-config-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(configDir))
        {
            Directory.Delete(configDir, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Login_ValidToken_StoresOwnerOnlyFileUsedByLaterCommands()
    {
        await using var server = await LocalServer.StartAsync();
        var alice = await UserTokenAsync(server, "alice", "alpha");

        var (exit, stdout, stderr) = await Cli(server, "login", "--token", alice);

        Assert.True(exit == 0, stderr);
        Assert.Contains("as alice", stdout, StringComparison.Ordinal);
        var file = Path.Combine(configDir, "credentials.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(alice, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(configDir, "*.tmp"));

        // No --token: the stored one is used, not the local admin token.
        var (lsExit, lsOut, lsErr) = await Cli(server, "token", "ls", "--format", "json");
        Assert.True(lsExit == 0, lsErr);
        var tokens = JsonSerializer.Deserialize(lsOut, WharfJsonContext.Default.IReadOnlyListTokenInfo)!;
        Assert.All(tokens, t => Assert.Equal("user:alice", t.Owner));

        // --token still wins over the stored token.
        var (_, asAdmin, _) = await Cli(server, "token", "ls", "--format", "json", "--token", server.AdminToken);
        Assert.All(JsonSerializer.Deserialize(asAdmin, WharfJsonContext.Default.IReadOnlyListTokenInfo)!, t => Assert.Equal("user:admin", t.Owner));
    }

    [Fact]
    public async Task Login_TokenFromStdin_Works()
    {
        await using var server = await LocalServer.StartAsync();

        var (exit, stdout, stderr) = await CliRun.RunWithInputAsync(
            server.AdminToken + "\n", "login", "--token-stdin", "--server", server.Address.ToString(), "--config-dir", configDir, "--format", "json");

        Assert.True(exit == 0, stderr);
        var who = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.WhoAmI)!;
        Assert.Equal("admin", who.Name);
        Assert.Contains("Logged in", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RefusedOrMalformedToken_StoresNothing()
    {
        await using var server = await LocalServer.StartAsync();

        var refused = await Cli(server, "login", "--token", "wharf_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var malformed = await Cli(server, "login", "--token", "hunter2");
        var missing = await Cli(server, "login");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("refused the token", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Equal(2, missing.ExitCode);
        Assert.False(File.Exists(Path.Combine(configDir, "credentials.json")));
    }

    [Fact]
    public async Task Logout_RemovesOnlyThatServersToken()
    {
        await using var server = await LocalServer.StartAsync();
        var other = new Uri("http://wharf.example:8080/");
        var store = new CredentialStore(configDir);
        store.Save(other, "wharf_pat_other");
        Assert.Equal(0, (await Cli(server, "login", "--token", server.AdminToken)).ExitCode);

        var (exit, stdout, _) = await Cli(server, "logout");
        var (again, againOut, _) = await Cli(server, "logout");

        Assert.Equal(0, exit);
        Assert.Contains("Logged out", stdout, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("No token was stored", againOut, StringComparison.Ordinal);
        Assert.Null(store.Find(server.Address));
        Assert.Equal("wharf_pat_other", store.Find(other));
    }

    [Fact]
    public async Task Project_CreateListAndMembers_AsAdmin()
    {
        await using var server = await LocalServer.StartAsync();
        await UserTokenAsync(server, "bob", null);

        var created = await server.RunAsync("project", "create", "alpha", "--format", "json");
        var duplicate = await server.RunAsync("project", "create", "alpha");
        var badName = await server.RunAsync("project", "create", "Alpha");
        var added = await server.RunAsync("project", "members", "add", "alpha", "bob", "--role", "developer");
        var badRole = await server.RunAsync("project", "members", "add", "alpha", "bob", "--role", "root");
        var listed = await server.RunAsync("project", "members", "ls", "alpha", "--format", "json");
        var projects = await server.RunAsync("project", "ls");

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal("alpha", JsonSerializer.Deserialize(created.Stdout, WharfJsonContext.Default.ProjectInfo)!.Name);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("name:", badName.Stderr, StringComparison.Ordinal);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Equal(2, badRole.ExitCode);
        var members = JsonSerializer.Deserialize(listed.Stdout, WharfJsonContext.Default.IReadOnlyListProjectMemberInfo)!;
        Assert.Contains(members, m => m is { Name: "bob", Role: "developer" });
        Assert.Contains("alpha", projects.Stdout, StringComparison.Ordinal);

        var removed = await server.RunAsync("project", "members", "rm", "alpha", "bob");
        var removedAgain = await server.RunAsync("project", "members", "rm", "alpha", "bob");
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Equal(1, removedAgain.ExitCode);
    }

    [Fact]
    public async Task Token_CreatePrintsSecretOnce_ListHidesIt_RevokeEndsIt()
    {
        await using var server = await LocalServer.StartAsync();
        Assert.Equal(0, (await server.RunAsync("project", "create", "alpha")).ExitCode);

        var (exit, stdout, stderr) = await server.RunAsync(
            "token", "create", "--name", "ci", "--project", "alpha", "--scope", "registry:pull", "--scope", "registry:push", "--expires-days", "7");
        var badScope = await server.RunAsync("token", "create", "--name", "ci", "--project", "alpha", "--scope", "registry:*");

        Assert.True(exit == 0, stderr);
        var secret = stdout.Trim();
        Assert.StartsWith("wharf_pat_", secret, StringComparison.Ordinal);
        Assert.Contains("cannot be shown again", stderr, StringComparison.Ordinal);
        Assert.Equal(1, badScope.ExitCode);
        Assert.Contains("registry:*", badScope.Stderr, StringComparison.Ordinal);

        var listed = await server.RunAsync("token", "ls", "--format", "json");
        var text = await server.RunAsync("token", "ls");
        Assert.DoesNotContain(secret, listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text.Stdout, StringComparison.Ordinal);
        var ci = Assert.Single(JsonSerializer.Deserialize(listed.Stdout, WharfJsonContext.Default.IReadOnlyListTokenInfo)!, t => t.Name == "ci");
        Assert.Equal(["registry:pull", "registry:push"], Assert.Single(ci.Grants).Scopes);

        var whoBefore = await CliRun.RunAsync("token", "ls", "--server", server.Address.ToString(), "--token", secret, "--config-dir", configDir);
        var revoked = await server.RunAsync("token", "revoke", ci.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var whoAfter = await CliRun.RunAsync("token", "ls", "--server", server.Address.ToString(), "--token", secret, "--config-dir", configDir);
        Assert.Equal(0, whoBefore.ExitCode);
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        Assert.Equal(1, whoAfter.ExitCode);
        Assert.Contains("401", whoAfter.Stderr, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Cli(LocalServer server, params string[] args)
        => CliRun.RunAsync([.. args, "--server", server.Address.ToString(), "--config-dir", configDir]);

    /// <summary>Creates a user (and, when <paramref name="project"/> is given, that project with the user as owner) and returns a token of the user.</summary>
    private static async Task<string> UserTokenAsync(LocalServer server, string username, string? project)
    {
        var admin = new WharfClient(server.Http);
        await admin.CreateUserAsync(username, password: null);
        if (project is null)
        {
            return string.Empty;
        }

        await admin.CreateProjectAsync(project);
        await admin.SetMemberAsync(project, username, "owner");
        // Minting a token for another user is not an API operation: do it as the server would for the UI.
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Wharf.Server.Data.WharfDbContext>();
        var userId = db.Users.Single(u => u.Username == username).Id;
        var projectId = db.Projects.Single(p => p.Name == project).Id;
        var created = await scope.ServiceProvider.GetRequiredService<Wharf.Server.Auth.TokenService>().CreateAsync(
            Wharf.Server.Auth.PrincipalKind.User, userId, "laptop", [new Wharf.Server.Auth.TokenGrantRequest(projectId, Wharf.Server.Auth.Scopes.All)]);
        return created.Secret;
    }
}
