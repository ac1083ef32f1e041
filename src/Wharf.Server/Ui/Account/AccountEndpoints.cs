using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Server.Auth;

namespace Wharf.Server.Ui.Account;

/// <summary>
/// <c>POST /logout</c>: ends the UI session. Only a POST with the page's antiforgery token signs out, so a link or an
/// image on another site cannot; a GET finds no endpoint.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(UiSession.LogoutPath, LogoutAsync).RequireSignedIn().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<RedirectHttpResult, BadRequest<string>>> LogoutAsync(HttpContext context, IAntiforgery antiforgery, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest("A valid antiforgery token was not provided with the request.");
        }

        var principal = Caller.Get(context);
        await UiSession.SignOutAsync(context);
        await audit.RecordAsync(context, principal.Subject, "ui.logout", null, "signed out", cancellationToken);
        return TypedResults.Redirect(UiSession.LoginPath);
    }
}
