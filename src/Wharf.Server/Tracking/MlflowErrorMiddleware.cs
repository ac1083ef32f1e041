using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Tracking;

/// <summary>
/// The one place where failures under the MLflow routes become MLflow's <c>{"error_code","message"}</c>: refusals
/// thrown as <see cref="MlflowException"/> (from parsing, locators, handlers or the store), malformed requests the
/// framework rejects, unexpected exceptions (500 INTERNAL_ERROR, logged) and bare error statuses such as an unknown
/// endpoint. Never an HTML page or problem details on these routes: MLflow clients parse this envelope.
/// </summary>
internal sealed class MlflowErrorMiddleware(RequestDelegate next, ILogger<MlflowErrorMiddleware> logger)
{
    /// <summary>Every route prefix the MLflow surface is mapped under: the REST API's and the artifact proxy's.</summary>
    public static readonly PathString[] Paths = [.. TrackingExtensions.Prefixes.Select(p => new PathString(p)), ArtifactEndpoints.ProxyPrefix];

    public static bool Applies(HttpContext context) => Paths.Any(p => context.Request.Path.StartsWithSegments(p));

    public async Task InvokeAsync(HttpContext context)
    {
        IResult? failure;
        try
        {
            await next(context);
            if (context.Response.HasStarted || context.Response.StatusCode < 400)
            {
                return;
            }

            failure = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => new MlflowResult(404, w =>
                {
                    w.WriteString("error_code", "ENDPOINT_NOT_FOUND");
                    w.WriteString("message", $"No MLflow endpoint {context.Request.Method} {context.Request.Path}.");
                }),
                StatusCodes.Status405MethodNotAllowed => new MlflowResult(405, w =>
                {
                    w.WriteString("error_code", MlflowErrorCode.BadRequest);
                    w.WriteString("message", $"{context.Request.Method} is not allowed on {context.Request.Path}.");
                }),
                var status => new MlflowResult(status, w =>
                {
                    w.WriteString("error_code", status >= 500 ? MlflowErrorCode.InternalError : MlflowErrorCode.BadRequest);
                    w.WriteString("message", $"The request failed with status {status}.");
                }),
            };
        }
        catch (MlflowException ex)
        {
            failure = MlflowResult.Error(ex.ErrorCode, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            failure = new MlflowResult(ex.StatusCode, w =>
            {
                w.WriteString("error_code", MlflowErrorCode.BadRequest);
                w.WriteString("message", ex.Message);
            });
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody reads an answer
        }
        catch (DbUpdateConcurrencyException ex)
        {
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path, ex);
            failure = MlflowResult.Error(MlflowErrorCode.TemporarilyUnavailable, "The object changed concurrently; retry the request.");
        }
        catch (Exception ex)
        {
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path, ex);
            failure = MlflowResult.Error(MlflowErrorCode.InternalError, "The server failed to handle the request; the error is in its log.");
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        await failure.ExecuteAsync(context);
    }
}
