using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Webhooks;
using Wharf.Server.Auth;
using Wharf.Server.Data;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// A project's webhooks under <c>/api/v1/projects/{project}/webhooks</c> (problem details on errors). Every endpoint
/// needs <c>project:admin</c> on the route's project, and every query is filtered by that project's id as well as the
/// webhook id, so an id from another project answers 404.
/// </summary>
internal static class WebhookEndpoints
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapWharfWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var inProject = ProjectLocators.Project("project");
        var group = endpoints.MapGroup("/api/v1/projects/{project}/webhooks");
        group.MapGet("", ListAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapPost("", CreateAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapGet("/{id:long}", GetAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapPatch("/{id:long}", UpdateAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapDelete("/{id:long}", DeleteAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapPost("/{id:long}/ping", PingAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapGet("/{id:long}/deliveries", ListDeliveriesAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        group.MapGet("/{id:long}/deliveries/{deliveryId:long}", GetDeliveryAsync).RequireProjectScope(Scope.ProjectAdmin, inProject);
        return endpoints;
    }

    internal static async Task<Results<Ok<List<WebhookInfo>>, ProblemHttpResult>> ListAsync(
        string project, WharfDbContext db, CancellationToken cancellationToken)
    {
        if (await ProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ProjectNotFound(project);
        }

        var hooks = await db.Webhooks.AsNoTracking().Where(w => w.ProjectId == projectId).OrderBy(w => w.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(hooks.Select(w => WebhookViews.ToInfo(w, project)).ToList());
    }

    internal static async Task<Results<Created<CreatedWebhookInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext context, string project, CreateWebhookRequest request, WharfDbContext db, WebhookSecrets secrets, AuditLog audit,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!WebhookUrl.TryParse(request.Url, out var url, out var urlError))
        {
            return ApiProblems.BadRequest(urlError);
        }

        if (WebhookEventFilter.Normalize(request.Events, out var events) is { } eventsError)
        {
            return ApiProblems.BadRequest(eventsError);
        }

        if (request.Description is { Length: > Webhook.MaxDescriptionLength })
        {
            return ApiProblems.BadRequest($"description: at most {Webhook.MaxDescriptionLength} characters");
        }

        if (request.Secret is not null && WebhookSecrets.Validate(request.Secret) is { } secretError)
        {
            return ApiProblems.BadRequest(secretError);
        }

        if (await ProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ProjectNotFound(project);
        }

        var caller = Caller.Get(context);
        var secret = request.Secret ?? WebhookSecrets.Generate();
        var now = timeProvider.GetUtcNow();
        var webhook = new Webhook
        {
            ProjectId = projectId,
            Url = url.OriginalString,
            Events = events,
            ProtectedSecret = secrets.Protect(secret),
            Active = request.Active,
            Description = request.Description,
            CreatedBy = caller.Subject.Length <= Webhook.MaxCreatedByLength ? caller.Subject : caller.Subject[..Webhook.MaxCreatedByLength],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, caller.Subject, "webhook.create", Target(project, webhook.Id), "ok", cancellationToken);
        return TypedResults.Created(
            $"/api/v1/projects/{project}/webhooks/{webhook.Id.ToString(CultureInfo.InvariantCulture)}",
            new CreatedWebhookInfo(WebhookViews.ToInfo(webhook, project), secret));
    }

    internal static async Task<Results<Ok<WebhookInfo>, ProblemHttpResult>> GetAsync(
        string project, long id, WharfDbContext db, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(db, project, id, cancellationToken);
        return webhook is null ? WebhookNotFound(project, id) : TypedResults.Ok(WebhookViews.ToInfo(webhook, project));
    }

    internal static async Task<Results<Ok<WebhookInfo>, ProblemHttpResult>> UpdateAsync(
        HttpContext context, string project, long id, UpdateWebhookRequest request, WharfDbContext db, AuditLog audit,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Uri? url = null;
        if (request.Url is not null && !WebhookUrl.TryParse(request.Url, out url, out var urlError))
        {
            return ApiProblems.BadRequest(urlError);
        }

        var events = "";
        if (request.Events is not null && WebhookEventFilter.Normalize(request.Events, out events) is { } eventsError)
        {
            return ApiProblems.BadRequest(eventsError);
        }

        if (request.Description is { Length: > Webhook.MaxDescriptionLength })
        {
            return ApiProblems.BadRequest($"description: at most {Webhook.MaxDescriptionLength} characters");
        }

        var webhook = await FindAsync(db, project, id, cancellationToken, tracking: true);
        if (webhook is null)
        {
            return WebhookNotFound(project, id);
        }

        if (url is not null)
        {
            webhook.Url = url.OriginalString;
        }

        if (request.Events is not null)
        {
            webhook.Events = events;
        }

        webhook.Active = request.Active ?? webhook.Active;
        webhook.Description = request.Description ?? webhook.Description;
        webhook.UpdatedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, Caller.Get(context).Subject, "webhook.update", Target(project, id), "ok", cancellationToken);
        return TypedResults.Ok(WebhookViews.ToInfo(webhook, project));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpContext context, string project, long id, WharfDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await ProjectIdAsync(db, project, cancellationToken) is not { } projectId)
        {
            return ProjectNotFound(project);
        }

        // Its deliveries and their attempts go with it (foreign keys).
        var deleted = await db.Webhooks.Where(w => w.Id == id && w.ProjectId == projectId).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return WebhookNotFound(project, id);
        }

        await audit.RecordAsync(context, Caller.Get(context).Subject, "webhook.delete", Target(project, id), "ok", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Accepted<WebhookDeliveryInfo>, ProblemHttpResult>> PingAsync(
        string project, long id, WharfDbContext db, WebhookSignal signal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(db, project, id, cancellationToken);
        if (webhook is null)
        {
            return WebhookNotFound(project, id);
        }

        var now = timeProvider.GetUtcNow();
        var data = JsonSerializer.Serialize(new Dictionary<string, object> { ["webhook_id"] = webhook.Id, ["url"] = webhook.Url });
        var body = WebhookPayload.Build(Guid.NewGuid().ToString("D"), WebhookPayload.PingType, now, project, data);
        var delivery = WebhookDelivery.Create(webhook.Id, null, WebhookPayload.PingType, body, now);
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        var path = $"/api/v1/projects/{project}/webhooks/{id.ToString(CultureInfo.InvariantCulture)}/deliveries/{delivery.Id.ToString(CultureInfo.InvariantCulture)}";
        return TypedResults.Accepted(path, WebhookViews.ToInfo(delivery));
    }

    internal static async Task<Results<Ok<WebhookDeliveryPage>, ProblemHttpResult>> ListDeliveriesAsync(
        string project, long id, WharfDbContext db, CancellationToken cancellationToken, int? limit = null, long? before = null)
    {
        var size = limit ?? 50;
        if (size is < 1 or > MaxPageSize)
        {
            return ApiProblems.BadRequest($"limit: use 1 to {MaxPageSize}");
        }

        if (before is < 1)
        {
            return ApiProblems.BadRequest("before: use a delivery id from a previous page's nextBefore");
        }

        var webhook = await FindAsync(db, project, id, cancellationToken);
        if (webhook is null)
        {
            return WebhookNotFound(project, id);
        }

        var query = db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).Where(d => d.WebhookId == webhook.Id);
        if (before is { } below)
        {
            query = query.Where(d => d.Id < below);
        }

        var rows = await query.OrderByDescending(d => d.Id).Take(size + 1).AsSplitQuery().ToListAsync(cancellationToken);
        var page = rows.Take(size).Select(WebhookViews.ToInfo).ToList();
        return TypedResults.Ok(new WebhookDeliveryPage(page, rows.Count > size ? page[^1].Id : null));
    }

    internal static async Task<Results<Ok<WebhookDeliveryInfo>, ProblemHttpResult>> GetDeliveryAsync(
        string project, long id, long deliveryId, WharfDbContext db, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(db, project, id, cancellationToken);
        var delivery = webhook is null
            ? null
            : await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog)
                .SingleOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == webhook.Id, cancellationToken);
        return delivery is null
            ? ApiProblems.NotFound($"delivery {deliveryId} of webhook {id} in project '{project}' does not exist")
            : TypedResults.Ok(WebhookViews.ToInfo(delivery));
    }

    private static async Task<long?> ProjectIdAsync(WharfDbContext db, string project, CancellationToken cancellationToken) =>
        await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).SingleOrDefaultAsync(cancellationToken);

    private static async Task<Webhook?> FindAsync(
        WharfDbContext db, string project, long id, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = from w in db.Webhooks
                    join p in db.Projects on w.ProjectId equals p.Id
                    where w.Id == id && p.Name == project
                    select w;
        return await (tracking ? query : query.AsNoTracking()).SingleOrDefaultAsync(cancellationToken);
    }

    private static string Target(string project, long id) => $"{project}/webhooks/{id.ToString(CultureInfo.InvariantCulture)}";

    private static ProblemHttpResult ProjectNotFound(string project) => ApiProblems.NotFound($"project '{project}' does not exist");

    private static ProblemHttpResult WebhookNotFound(string project, long id) =>
        ApiProblems.NotFound($"webhook {id} does not exist in project '{project}'");
}
