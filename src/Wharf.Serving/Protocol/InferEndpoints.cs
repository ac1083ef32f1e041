using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Wharf.Serving.Hosting;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;

namespace Wharf.Serving.Protocol;

/// <summary>
/// <c>POST /v2/models/{name}[/versions/{version}]/infer</c>: read the body within the limit, check it against the
/// signature, send it through the model's scheduler, write the outputs. Every refusal is <c>{"error"}</c> with
/// 400 (bad request), 404 (unknown model or version), 413 (too large) or 503 (not ready, queue full, timed out,
/// unloading; Retry-After when the scheduler gives one), and the server carries on.
/// </summary>
internal static class InferEndpoints
{
    public static IEndpointRouteBuilder MapInferEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/models/{name}/infer",
            (HttpContext context, string name, ModelRepository repository, IOptions<ServingOptions> options, TimeProvider timeProvider, ILogger<ModelRepository> logger) =>
                InferAsync(context, name, null, repository, options, timeProvider, logger));
        endpoints.MapPost("/v2/models/{name}/versions/{version}/infer", InferAsync);
        return endpoints;
    }

    private static async Task InferAsync(
        HttpContext context, string name, string? version, ModelRepository repository, IOptions<ServingOptions> options,
        TimeProvider timeProvider, ILogger<ModelRepository> logger)
    {
        var lookup = repository.Lookup(name, version);
        if (lookup.Model is not { } model || !model.TryAcquire())
        {
            await ProtocolResults.WriteErrorAsync(
                context, lookup.Model is null ? lookup.StatusCode : StatusCodes.Status503ServiceUnavailable,
                lookup.Error ?? $"model '{name}' is being unloaded");
            return;
        }

        var cancellationToken = context.RequestAborted;
        var start = timeProvider.GetTimestamp();
        var failed = true;
        model.Metrics.RequestStarted();
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, options.Value.MaxRequestBytes, cancellationToken);
            var headerLength = context.Request.Headers.TryGetValue(InferRequestParser.HeaderLengthHeader, out var values)
                ? values.ToString()
                : null;
            var request = InferRequestParser.Parse(body, headerLength, model.Signature, model.HasBatchDimension);
            var result = await model.Scheduler.InferAsync(
                new InferenceRequest(request.Inputs, request.OutputNames, request.Timeout), cancellationToken);
            model.Metrics.Served(result);
            await InferResponseWriter.WriteAsync(context.Response, model.Name, model.Version, request, result.Outputs, cancellationToken);
            failed = false;
        }
        catch (ProtocolException exception)
        {
            Log.InferRefused(logger, name, exception.StatusCode, exception.Message);
            await ProtocolResults.WriteErrorAsync(context, exception.StatusCode, exception.Message);
        }
        catch (InferenceRejectedException exception)
        {
            await ProtocolResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, exception.Message, exception.RetryAfter);
        }
        catch (OnnxRuntimeException exception)
        {
            // The inputs matched the signature but the graph refused them (say, two dynamic dimensions that must agree).
            await ProtocolResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"the model could not run these inputs: {exception.Message}");
        }
        catch (BadHttpRequestException exception)
        {
            await ProtocolResults.WriteErrorAsync(context, exception.StatusCode, exception.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the scheduler rather than the client: the request's timeout passed.
            await ProtocolResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "the request timed out before it could run");
        }
        catch (ObjectDisposedException)
        {
            // The model was unloaded under a waiting request.
            await ProtocolResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"model '{name}' was unloaded");
        }
        catch (Exception exception)
        {
            Log.InferFailed(logger, model.Name, model.Version, exception);
            await ProtocolResults.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "inference failed: internal error");
        }
        finally
        {
            model.Release();
            model.Metrics.RequestFinished(timeProvider.GetElapsedTime(start), failed);
        }
    }
}
