using System.Net;
using Wharf.Server.Tests.Tracking;
using Wharf.TestModels;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// Seeds the model registry for the UI tests through the public APIs, as the MLflow client does: a run with metrics, a
/// dataset input and a model file logged through the artifact proxy, then registered-models/create and
/// model-versions/create. Names are qualified (<c>&lt;project&gt;/&lt;name&gt;</c>) because the seeding token is the administrator's.
/// </summary>
internal sealed class ModelSeed(HttpClient http)
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    private readonly MlflowTestClient _mlflow = new(http);

    /// <summary>A small valid ONNX classifier: input <c>float[batch, 4]</c>, outputs probabilities and label.</summary>
    public static byte[] OnnxModel { get; } = OnnxModelWriter.Serialize(new LinearClassifierParameters(
        [0, 0, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0], featureCount: 4));

    public TrackingSeed Tracking { get; } = new(http);

    /// <summary>A finished run in <paramref name="experimentId"/> with metric acc, the dataset <c>iris-train</c>, and <c>model/model.onnx</c>.</summary>
    public async Task<string> RunWithModelAsync(string experimentId, string name, double acc, byte[]? model = null)
    {
        var runId = await Tracking.CreateRunAsync(experimentId, name, new Dictionary<string, string> { ["lr"] = "0.1" }, new Dictionary<string, double> { ["acc"] = acc });
        (await _mlflow.PostAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { dataset = new { name = "iris-train", digest = "a1b2c3d4", source_type = "local", source = """{"uri": "/data/iris.csv"}""" } } },
        })).Ok();
        using (var body = new ByteArrayContent(model ?? OnnxModel))
        using (var put = await http.PutAsync(new Uri($"{Proxy}/{experimentId}/{runId}/artifacts/model/model.onnx", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await Tracking.FinishRunAsync(runId);
        return runId;
    }

    public async Task CreateModelAsync(string qualifiedName, string? description = null) =>
        (await _mlflow.PostAsync("registered-models/create", new { name = qualifiedName, description })).Ok();

    /// <summary>Registers the run's <c>model</c> directory as the next version; returns its number and status.</summary>
    public async Task<(int Version, string Status)> CreateVersionAsync(string qualifiedName, string runId)
    {
        var version = (await _mlflow.PostAsync("model-versions/create", new { name = qualifiedName, source = $"runs:/{runId}/model", run_id = runId }))
            .Ok().GetProperty("model_version");
        return (int.Parse(version.GetProperty("version").GetString()!, System.Globalization.CultureInfo.InvariantCulture), version.GetProperty("status").GetString()!);
    }

    public async Task SetAliasAsync(string qualifiedName, string alias, int version) =>
        (await _mlflow.PostAsync("registered-models/alias", new { name = qualifiedName, alias, version = version.ToString(System.Globalization.CultureInfo.InvariantCulture) })).Ok();
}
