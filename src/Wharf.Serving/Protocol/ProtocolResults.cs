using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Wharf.Serving.Protocol;

/// <summary>The one place errors take the protocol's shape, <c>{"error": "..."}</c>.</summary>
internal static class ProtocolResults
{
    public static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), ProtocolJson.Context.ErrorResponse, statusCode: statusCode);

    public static async Task WriteErrorAsync(HttpContext context, int statusCode, string message, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status code: cut the response so the client sees a failure, not a short success.
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = statusCode;
        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsJsonAsync(new ErrorResponse(message), ProtocolJson.Context.ErrorResponse);
    }
}
