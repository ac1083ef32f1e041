using System.Text.Json;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;
using Wharf.Server.Ui;

namespace Wharf.Server.Auth;

/// <summary>
/// Writes a refusal in the format of the surface the request came to: MLflow's <c>{"error_code","message"}</c> under
/// the MLflow routes, problem details under <c>/api</c>, the OCI envelope under <c>/v2</c>, and for the UI a redirect
/// to the login page (not signed in) or the UI's error page (signed in, not allowed).
/// </summary>
internal static class AccessDenial
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        var request = context.Request;
        if (MlflowErrorMiddleware.Applies(context))
        {
            var code = status switch
            {
                StatusCodes.Status401Unauthorized => "UNAUTHENTICATED",
                StatusCodes.Status403Forbidden => "PERMISSION_DENIED",
                _ => "INVALID_PARAMETER_VALUE",
            };
            Challenge(context, status);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error_code"] = code, ["message"] = message }));
        }

        if (request.Path.StartsWithSegments("/v2"))
        {
            var code = status switch
            {
                StatusCodes.Status401Unauthorized => RegistryErrorCode.Unauthorized,
                StatusCodes.Status403Forbidden => RegistryErrorCode.Denied,
                _ => RegistryErrorCode.NameInvalid,
            };
            return new RegistryErrorResult(code, message).ExecuteAsync(context);
        }

        if (UiExtensions.IsMachinePath(request.Path))
        {
            Challenge(context, status);
            return Results.Problem(detail: message, statusCode: status).ExecuteAsync(context);
        }

        // The UI: a browser without a session goes to the login page and comes back afterwards.
        if (status == StatusCodes.Status401Unauthorized && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            var returnUrl = request.PathBase + request.Path + request.QueryString;
            context.Response.Redirect($"{UiSession.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return Task.CompletedTask;
        }

        // The UI's status-code page renders the error. A page address that names no valid object is a page that
        // does not exist: 404, as the page itself would answer.
        context.Response.StatusCode = status == StatusCodes.Status400BadRequest ? StatusCodes.Status404NotFound : status;
        return Task.CompletedTask;
    }

    private static void Challenge(HttpContext context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"wharf\"";
        }
    }
}
