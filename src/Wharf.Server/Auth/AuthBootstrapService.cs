using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Server.Data;
using Wharf.Server.Hosting;

namespace Wharf.Server.Auth;

/// <summary>
/// On the first start (no users at all) creates the administrator <c>admin</c> and a token for every project, writes
/// the secret to <c>$WHARF_DATA/admin-token</c> (mode 0600, so the CLI on this machine can use it and nobody else can
/// read it) and prints it once. Runs in <see cref="StartingAsync"/>, after the database migration (registered
/// earlier), before Kestrel accepts requests. Later starts find a user and do nothing.
/// </summary>
internal sealed class AuthBootstrapService(
    IServiceScopeFactory scopes, AuditLog audit, IOptions<WharfOptions> wharf, IOptions<AuthOptions> options, ILogger<AuthBootstrapService> logger)
    : IHostedLifecycleService
{
    public const string AdminUsername = "admin";
    public const string AdminTokenFileName = "admin-token";
    public const string BootstrapTokenName = "bootstrap";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (await BootstrapAsync(cancellationToken) is null && options.Value.ResetAdminToken)
        {
            await ResetAdminTokenAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The recovery path for a lost or expired administrator token (the bootstrap admin has no password): started with
    /// <c>Wharf:Auth:ResetAdminToken=true</c>, the server revokes the admin's bootstrap tokens, issues a new one and
    /// writes it to the token file as on the first start. Whoever can start the server on its data directory already
    /// holds everything the token protects, so this gives nobody new power. Returns the file written, or null when
    /// there is no <c>admin</c> user.
    /// </summary>
    public async Task<string?> ResetAdminTokenAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var admin = await db.Users.SingleOrDefaultAsync(u => u.Username == AdminUsername, cancellationToken);
        if (admin is null)
        {
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var old = await db.AccessTokens.Where(t => t.UserId == admin.Id && t.Name == BootstrapTokenName && t.RevokedAt == null)
            .Select(t => t.Id).ToListAsync(cancellationToken);
        foreach (var id in old)
        {
            await tokens.RevokeAsync(id, cancellationToken);
        }

        // A disabled or demoted admin would get a token that does nothing; the reset restores the account as well.
        await db.Users.Where(u => u.Id == admin.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, false).SetProperty(u => u.IsAdmin, true), cancellationToken);
        var token = await tokens.CreateAsync(
            PrincipalKind.User, admin.Id, BootstrapTokenName, [new TokenGrantRequest(null, Scopes.All)], options.Value.MaxTokenLifetime, cancellationToken);
        var path = Path.Combine(wharf.Value.DataDirectoryFullPath, AdminTokenFileName);
        await WriteSecretFileAsync(path, token.Secret, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await audit.RecordAsync(null, "system", "bootstrap.reset", $"user:{AdminUsername} token:{token.Id} revoked:{old.Count}", "reissued", cancellationToken);
        Log.AdminTokenReset(logger, path, old.Count);
        await Console.Out.WriteLineAsync($"wharf: new admin token (shown once; also in {path}): {token.Secret}");
        return path;
    }

    /// <summary>Creates the administrator if there is no user; returns the token file written, or null.</summary>
    public async Task<string?> BootstrapAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return null;
        }

        // One transaction around user, token and file: if the file cannot be written the rows roll back and the next
        // start tries again, instead of leaving an administrator whose only token nobody has.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        User admin;
        try
        {
            admin = await directory.CreateUserAsync(AdminUsername, password: null, isAdmin: true, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica on the same database won the race; it owns the bootstrap.
            return null;
        }

        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, admin.Id, BootstrapTokenName, [new TokenGrantRequest(null, Scopes.All)],
            options.Value.MaxTokenLifetime, cancellationToken);

        var path = Path.Combine(wharf.Value.DataDirectoryFullPath, AdminTokenFileName);
        await WriteSecretFileAsync(path, token.Secret, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await audit.RecordAsync(null, "system", "bootstrap.admin", $"user:{AdminUsername} token:{token.Id}", "created", cancellationToken);
        Log.BootstrapAdminCreated(logger, path);
        // Straight to the console rather than through ILogger: log pipelines ship to files and collectors, and the
        // secret must appear exactly once, on the operator's terminal.
        await Console.Out.WriteLineAsync($"wharf: bootstrap admin token (shown once; also in {path}): {token.Secret}");
        return path;
    }

    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // 0600 from creation, so there is no moment the secret is readable by others.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, fileOptions))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(secret + "\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // A pre-existing temp file keeps its old mode on open; set it explicitly.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
