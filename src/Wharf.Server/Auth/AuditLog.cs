using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Writes audit entries on a context of their own, so an entry is stored whether or not the caller's own changes
/// commit (a refused request still leaves its trace). Callers pass names and ids only; values are cut to the column
/// lengths here so an attacker-sized username cannot fail the write.
/// </summary>
internal sealed class AuditLog(IDbContextFactory<WharfDbContext> contexts, TimeProvider time)
{
    public async Task RecordAsync(
        HttpContext? context, string actor, string action, string? target, string outcome, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditLog.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = Cut(Redact(actor), AuditEntry.MaxActorLength)!,
            Action = Cut(action, AuditEntry.MaxActionLength)!,
            Target = Cut(Redact(target), AuditEntry.MaxTargetLength),
            Outcome = Cut(outcome, AuditEntry.MaxOutcomeLength)!,
            RemoteAddress = Cut(context?.Connection.RemoteIpAddress?.ToString(), AuditEntry.MaxRemoteAddressLength),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A username field sometimes carries a pasted token; never store one.</summary>
    internal static string? Redact(string? value) =>
        value is not null && value.Contains(TokenSecrets.Prefix, StringComparison.Ordinal) ? "[redacted]" : value;

    private static string? Cut(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
