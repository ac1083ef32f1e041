using System.Text.Json;
using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;
using Wharf.Server.Registry;

namespace Wharf.Server.Auth;

/// <summary>
/// The registry's authorizer. It accepts a registry JWT from <c>/auth/token</c> as Bearer, or a
/// PAT as Bearer or as the Basic password. Without usable credentials, or with a JWT that lacks the scope, it answers
/// 401 with the <c>Bearer realm,service,scope</c> challenge, which is what makes docker, podman and skopeo fetch a
/// token; a PAT that lacks the scope gets 403, since no token exchange could help.
/// </summary>
internal sealed class TokenRegistryAuthorizer(
    JwtValidator validator, RegistryJwtCache verified, IOptions<AuthOptions> options, IOptions<WharfOptions> wharf) : IRegistryAuthorizer
{
    private static readonly object CallerKey = new();

    public async ValueTask<IResult?> AuthorizeAsync(
        HttpContext context, RepositoryName? repository, RegistryActions actions, CancellationToken cancellationToken = default)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        if (repository is not { } name)
        {
            if (caller.IsAuthenticated)
            {
                return null;
            }

            await AuditRefusalAsync(context, caller, 401, "the credentials are invalid, expired or revoked", cancellationToken);
            return Challenge(context, null, RegistryActions.None, insufficientScope: false);
        }

        if (caller.IsAuthenticated && (caller.ActionsOn(name) & actions) == actions)
        {
            return null;
        }

        if (caller.Principal is not null)
        {
            var message = $"the token does not allow {Describe(actions)} on {name.Value}";
            await AuditRefusalAsync(context, caller, 403, message, cancellationToken);
            return new RegistryErrorResult(RegistryErrorCode.Denied, message);
        }

        await AuditRefusalAsync(context, caller, 401, caller.IsAuthenticated
            ? $"the registry token does not allow {Describe(actions)} on {name.Value}"
            : "the credentials are invalid, expired or revoked", cancellationToken);
        return Challenge(context, name, actions, insufficientScope: caller.IsAuthenticated);
    }

    /// <summary>
    /// Audits a refusal of presented credentials. The anonymous first request every client makes (to learn the
    /// challenge) is the protocol's handshake, not a decision worth a row, so requests without an Authorization header
    /// are not recorded.
    /// </summary>
    private static async Task AuditRefusalAsync(HttpContext context, RegistryCaller caller, int status, string message, CancellationToken cancellationToken)
    {
        if (!AuthorizationHeader.IsPresent(context.Request))
        {
            return;
        }

        var actor = caller.Principal?.Subject ?? caller.JwtSubject ?? "anonymous";
        await context.RequestServices.GetRequiredService<AuditLog>().RecordAsync(
            context, actor, "access.denied", $"{context.Request.Method} {context.Request.Path}", $"refused {status}: {message}", cancellationToken);
    }

    public async ValueTask<RepositoryVisibility> VisibleRepositoriesAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        if (caller.JwtAccess is { } access)
        {
            return RepositoryVisibility.OfRepositories([.. access.Where(a => a.Value.HasFlag(RegistryActions.Pull)).Select(a => a.Key)]);
        }

        return caller.Principal is { } principal ? principal.VisibleRepositories(Scope.RegistryPull) : RepositoryVisibility.Nothing;
    }

    /// <summary>Resolves the caller once per request (the catalog asks for every repository it lists).</summary>
    private async ValueTask<RegistryCaller> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Items.TryGetValue(CallerKey, out var cached) && cached is RegistryCaller known)
        {
            return known;
        }

        RegistryCaller caller;
        if (AuthorizationHeader.TryReadBearer(context.Request, out var bearer) && !TokenSecrets.LooksLikeToken(bearer))
        {
            caller = RegistryCaller.Anonymous;
            if (verified.TryGet(bearer, out var remembered))
            {
                caller = remembered;
            }
            else if (validator.Validate(bearer, options.Value.RegistryService) is { Claims: { } claims } valid)
            {
                caller = new RegistryCaller(ReadAccess(claims), null)
                {
                    JwtSubject = claims.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null,
                };
                verified.Add(bearer, caller, valid.ValidUntil);
            }
        }
        else
        {
            // A PAT as Bearer or as the Basic password: the same reading as every other API surface.
            var principal = await context.RequestServices.GetRequiredService<ApiAuthenticator>().AuthenticateAsync(context.Request, cancellationToken);
            caller = principal is null ? RegistryCaller.Anonymous : new RegistryCaller(null, principal);
        }

        context.Items[CallerKey] = caller;
        return caller;
    }

    private static Dictionary<string, RegistryActions> ReadAccess(JsonElement claims)
    {
        var access = new Dictionary<string, RegistryActions>(StringComparer.Ordinal);
        if (!claims.TryGetProperty("access", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return access;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "repository"
                || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var granted = RegistryActions.None;
            foreach (var action in actions.EnumerateArray())
            {
                granted |= action.ValueKind != JsonValueKind.String ? RegistryActions.None : action.GetString() switch
                {
                    "pull" => RegistryActions.Pull,
                    "push" => RegistryActions.Push,
                    "delete" => RegistryActions.Delete,
                    _ => RegistryActions.None,
                };
            }

            var key = name.GetString()!;
            access[key] = access.GetValueOrDefault(key) | granted;
        }

        return access;
    }

    private RegistryErrorResult Challenge(HttpContext context, RepositoryName? repository, RegistryActions actions, bool insufficientScope)
    {
        // Behind a proxy the request's own host is not what clients can reach; Wharf:ExternalUrl says what is.
        var realm = wharf.Value.ExternalUrl is { } external
            ? external.ToString().TrimEnd('/') + RegistryTokenEndpoints.Path
            : $"{context.Request.Scheme}://{context.Request.Host}{RegistryTokenEndpoints.Path}";
        var challenge = $"Bearer realm=\"{realm}\",service=\"{options.Value.RegistryService}\"";
        if (repository is { } name)
        {
            challenge += $",scope=\"repository:{name.Value}:{Describe(actions)}\"";
        }

        if (insufficientScope)
        {
            challenge += ",error=\"insufficient_scope\"";
        }

        // Clients print this message: "authentication required" would tell a signed-in caller the wrong thing.
        var message = insufficientScope && repository is { } refused
            ? $"the registry token does not allow {Describe(actions)} on {refused.Value}"
            : "authentication required";
        return new RegistryErrorResult(RegistryErrorCode.Unauthorized, message,
            new Dictionary<string, string> { ["WWW-Authenticate"] = challenge });
    }

    private static string Describe(RegistryActions actions) => string.Join(',', new[]
    {
        actions.HasFlag(RegistryActions.Pull) ? "pull" : null,
        actions.HasFlag(RegistryActions.Push) ? "push" : null,
        actions.HasFlag(RegistryActions.Delete) ? "delete" : null,
    }.Where(a => a is not null));
}
