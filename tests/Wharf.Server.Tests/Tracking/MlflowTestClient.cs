using System.Text;
using System.Text.Json;

namespace Wharf.Server.Tests.Tracking;

/// <summary>Sends MLflow requests as the Python client does (JSON bodies for POST, query strings for GET).</summary>
internal sealed class MlflowTestClient(HttpClient http) : IDisposable
{
    public const string Prefix = "/api/2.0/mlflow/";

    public HttpClient Http => http;

    public Task<MlflowResponse> PostAsync(string path, object body) => PostRawAsync(path, JsonSerializer.Serialize(body));

    public async Task<MlflowResponse> PostRawAsync(string path, string json, string prefix = Prefix)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(prefix + path, content);
        return await MlflowResponse.ReadAsync(response);
    }

    public async Task<MlflowResponse> GetAsync(string pathAndQuery)
    {
        using var response = await http.GetAsync(Prefix + pathAndQuery);
        return await MlflowResponse.ReadAsync(response);
    }

    /// <summary>Creates an experiment and returns its id; fails the test if the server refuses.</summary>
    public async Task<string> CreateExperimentAsync(string name)
    {
        var response = await PostAsync("experiments/create", new { name });
        return response.Ok().GetProperty("experiment_id").GetString()!;
    }

    public async Task<string> CreateRunAsync(string experimentId, string? runName = null, long startTime = 1_700_000_000_000)
    {
        var response = await PostAsync("runs/create", new { experiment_id = experimentId, run_name = runName, start_time = startTime, tags = Array.Empty<object>() });
        return response.Ok().GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    public void Dispose() => http.Dispose();
}
