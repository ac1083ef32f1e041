using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Serving.Models;

namespace Wharf.Serving.Protocol;

/// <summary>Server health and metadata: <c>/v2/health/live</c>, <c>/v2/health/ready</c>, <c>/v2</c>.</summary>
internal static class ServerEndpoints
{
    private static readonly ServerMetadataResponse Metadata = new(
        "wharf-serve",
        (typeof(ServerEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0],
        ["model_repository", "binary_tensor_data"]);

    public static IEndpointRouteBuilder MapServerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v2/health/live", Live);
        endpoints.MapGet("/v2/health/ready", Ready);
        endpoints.MapGet("/v2", ServerMetadata);
        return endpoints;
    }

    private static Ok Live() => TypedResults.Ok();

    private static Results<Ok, JsonHttpResult<ErrorResponse>> Ready(ModelRepository repository) =>
        repository.IsReady(out var reason)
            ? TypedResults.Ok()
            : ProtocolResults.Error(StatusCodes.Status503ServiceUnavailable, $"not ready: {reason}");

    private static JsonHttpResult<ServerMetadataResponse> ServerMetadata() =>
        TypedResults.Json(Metadata, ProtocolJson.Context.ServerMetadataResponse);
}
