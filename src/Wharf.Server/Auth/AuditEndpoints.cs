using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary><c>GET /api/v1/audit</c>: the audit log for server administrators, newest first, paged by id.</summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapWharfAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/audit", ListAsync).RequireAdmin();
        return endpoints;
    }

    internal static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ListAsync(WharfDbContext db, int? n, long? before, CancellationToken cancellationToken)
    {
        if (n is < 1 or > 1000)
        {
            return ApiProblems.BadRequest("n: must be between 1 and 1000");
        }

        if (before is < 1)
        {
            return ApiProblems.BadRequest("before: must be a positive entry id");
        }

        var size = n ?? 100;
        var query = db.AuditLog.AsNoTracking();
        if (before is { } beforeId)
        {
            query = query.Where(a => a.Id < beforeId);
        }

        // One extra row tells whether an older page exists without a second count query.
        var rows = await query.OrderByDescending(a => a.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(a => new AuditEntryInfo(a.Id, a.At, a.Actor, a.Action, a.Target, a.Outcome, a.RemoteAddress)).ToList();
        return TypedResults.Ok(new AuditPage(items, rows.Count > size ? items[^1].Id : null));
    }
}
