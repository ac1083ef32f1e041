using System.Net.Http.Json;
using Wharf.Server.Tests.Tracking;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// Seeds tracking data for the UI tests through the public APIs, as a user would: a project through
/// <c>/api/v1/projects</c>, experiments, runs, params and metric histories through the MLflow REST API.
/// </summary>
internal sealed class TrackingSeed(HttpClient http)
{
    private readonly MlflowTestClient _mlflow = new(http);

    public async Task CreateProjectAsync(string name)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/projects", new { name });
        Assert.True(response.IsSuccessStatusCode, $"creating project {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<string> CreateExperimentAsync(string name) => _mlflow.CreateExperimentAsync(name);

    /// <summary>A run with params and, per metric, a history of <paramref name="steps"/> points ending at the given value.</summary>
    public async Task<string> CreateRunAsync(
        string experimentId, string name, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, double> metrics, int steps = 1, long startTime = 1_700_000_000_000)
    {
        var runId = await _mlflow.CreateRunAsync(experimentId, name, startTime);
        if (parameters.Count > 0)
        {
            (await _mlflow.PostAsync("runs/log-batch", new { run_id = runId, @params = parameters.Select(p => new { key = p.Key, value = p.Value }).ToArray() })).Ok();
        }

        foreach (var (key, final) in metrics)
        {
            // The last step carries the final value; earlier steps climb towards it, so charts have a shape.
            var points = Enumerable.Range(0, steps)
                .Select(step => new { key, value = step == steps - 1 ? final : final * (step + 1) / steps, timestamp = startTime + step, step })
                .ToList();
            foreach (var batch in points.Chunk(1000))
            {
                (await _mlflow.PostAsync("runs/log-batch", new { run_id = runId, metrics = batch })).Ok();
            }
        }

        return runId;
    }

    public async Task FinishRunAsync(string runId) =>
        (await _mlflow.PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_060_000 })).Ok();
}
