using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;

namespace Wharf.Serving.Protocol;

/// <summary>Model metadata and readiness: <c>/v2/models/{name}[/versions/{version}]</c> and <c>.../ready</c>.</summary>
internal static class ModelEndpoints
{
    public const string Platform = "onnxruntime_onnx";

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v2/models/{name}", (string name, ModelRepository repository) => Metadata(name, null, repository));
        endpoints.MapGet("/v2/models/{name}/versions/{version}", Metadata);
        endpoints.MapGet("/v2/models/{name}/ready", (string name, ModelRepository repository) => Ready(name, null, repository));
        endpoints.MapGet("/v2/models/{name}/versions/{version}/ready", Ready);
        return endpoints;
    }

    private static Results<JsonHttpResult<ModelMetadataResponse>, JsonHttpResult<ErrorResponse>> Metadata(
        string name, string? version, ModelRepository repository)
    {
        var lookup = repository.Lookup(name, version);
        if (lookup.Model is not { } model)
        {
            return ProtocolResults.Error(lookup.StatusCode, lookup.Error!);
        }

        var metadata = new ModelMetadataResponse(
            name,
            lookup.Entry!.Versions.Select(v => v.Version).ToArray(),
            Platform,
            model.Signature.Inputs.Select(ToMetadata).ToArray(),
            model.Signature.Outputs.Select(ToMetadata).ToArray());
        return TypedResults.Json(metadata, ProtocolJson.Context.ModelMetadataResponse);
    }

    private static Results<Ok, JsonHttpResult<ErrorResponse>> Ready(string name, string? version, ModelRepository repository)
    {
        var lookup = repository.Lookup(name, version);
        return lookup.Model is not null ? TypedResults.Ok() : ProtocolResults.Error(lookup.StatusCode, lookup.Error!);
    }

    private static TensorMetadata ToMetadata(TensorSignature tensor) => new(tensor.Name, tensor.DataType.ToWireName(), tensor.Shape);
}
