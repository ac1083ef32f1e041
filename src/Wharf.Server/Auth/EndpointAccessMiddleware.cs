namespace Wharf.Server.Auth;

/// <summary>
/// Default deny: enforces each endpoint's <see cref="EndpointAccess"/>. An endpoint without one is refused (and a test
/// fails the build before that can ship). Refusals are written in the surface's own format and audited.
/// </summary>
internal sealed class EndpointAccessMiddleware(RequestDelegate next, AuditLog audit, ILogger<EndpointAccessMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            // No endpoint matched: the embedded stylesheet (served by middleware further on) or a 404.
            await next(context);
            return;
        }

        var cancellationToken = context.RequestAborted;
        var access = endpoint.Metadata.GetMetadata<EndpointAccess>();
        switch (access)
        {
            case null:
                Log.EndpointWithoutPolicy(logger, endpoint.DisplayName);
                await RefuseAsync(context, null, StatusCodes.Status403Forbidden, "this endpoint declares no access policy", cancellationToken);
                return;
            case PublicAccess or RegistryProtocolAccess:
                await next(context);
                return;
        }

        var principal = await Caller.ResolveAsync(context, cancellationToken);
        if (principal is null)
        {
            var why = AuthorizationHeader.IsPresent(context.Request)
                ? "the token is invalid, expired or revoked"
                : "authentication required: send 'Authorization: Bearer wharf_pat_...' or Basic with the token as the password";
            await RefuseAsync(context, null, StatusCodes.Status401Unauthorized, why, cancellationToken);
            return;
        }

        switch (access)
        {
            case AdminAccess when !principal.IsServerAdmin:
                await RefuseAsync(context, principal, StatusCodes.Status403Forbidden, "only an administrator may do this", cancellationToken);
                return;
            case ProjectScopeAccess scoped:
                var lookup = await scoped.Locator.LocateAsync(context, cancellationToken);
                if (lookup.Error is { } error)
                {
                    await AccessDenial.WriteAsync(context, StatusCodes.Status400BadRequest, error);
                    return;
                }

                if (lookup.Project is { } project && (principal.ScopesIn(project) & scoped.Scope) != scoped.Scope)
                {
                    var needed = string.Join(", ", Scopes.Names(scoped.Scope & ~principal.ScopesIn(project)));
                    await RefuseAsync(context, principal, StatusCodes.Status403Forbidden, $"needs {needed} on project '{project}'", cancellationToken);
                    return;
                }

                break;
            case ProjectMemberAccess member:
                var located = await member.Locator.LocateAsync(context, cancellationToken);
                if (located.Error is { } invalid)
                {
                    await AccessDenial.WriteAsync(context, StatusCodes.Status400BadRequest, invalid);
                    return;
                }

                if (located.Project is { } named && principal.ScopesIn(named) == Scope.None)
                {
                    await RefuseAsync(context, principal, StatusCodes.Status403Forbidden, $"needs a role in project '{named}'", cancellationToken);
                    return;
                }

                break;
        }

        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, AuthPrincipal? principal, int status, string message, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(
            context, principal?.Subject ?? "anonymous", "access.denied", $"{context.Request.Method} {context.Request.Path}",
            $"refused {status}: {message}", cancellationToken);
        await AccessDenial.WriteAsync(context, status, message);
    }
}
