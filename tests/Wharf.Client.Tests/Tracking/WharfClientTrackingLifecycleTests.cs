using System.Net;
using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Client.Tests.Tracking;

/// <summary>The SDK's delete, restore and rename calls: MLflow's routes and field names, and refusals as MLflow errors.</summary>
public sealed class WharfClientTrackingLifecycleTests
{
    public static TheoryData<string, string, string> Calls => new()
    {
        { "DeleteExperiment", "/api/2.0/mlflow/experiments/delete", """{"experiment_id":"7"}""" },
        { "RestoreExperiment", "/api/2.0/mlflow/experiments/restore", """{"experiment_id":"7"}""" },
        { "RenameExperiment", "/api/2.0/mlflow/experiments/update", """{"experiment_id":"7","new_name":"ml/renamed"}""" },
        { "DeleteRun", "/api/2.0/mlflow/runs/delete", """{"run_id":"abc"}""" },
        { "RestoreRun", "/api/2.0/mlflow/runs/restore", """{"run_id":"abc"}""" },
    };

    private static Task CallAsync(WharfClient client, string call) => call switch
    {
        "DeleteExperiment" => client.DeleteExperimentAsync("7"),
        "RestoreExperiment" => client.RestoreExperimentAsync("7"),
        "RenameExperiment" => client.RenameExperimentAsync("7", "ml/renamed"),
        "DeleteRun" => client.DeleteRunAsync("abc"),
        "RestoreRun" => client.RestoreRunAsync("abc"),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task LifecycleCall_PostsMlflowRouteWithSnakeCaseBody(string call, string path, string body)
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("{}"));

        await CallAsync(fake.Client(), call);

        var (method, sent, _) = Assert.Single(fake.Requests);
        Assert.Equal(HttpMethod.Post, method);
        Assert.Equal(path, sent);
        using var expected = JsonDocument.Parse(body);
        using var actual = JsonDocument.Parse(fake.BodyOf(0));
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), fake.BodyOf(0));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task LifecycleCall_MlflowRefusal_ThrowsMlflowApiException(string call, string path, string body)
    {
        _ = (path, body);
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json(
            """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"not found"}""", HttpStatusCode.NotFound));

        var ex = await Assert.ThrowsAsync<MlflowApiException>(() => CallAsync(fake.Client(), call));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", ex.ErrorCode);
    }

    [Fact]
    public async Task LifecycleCalls_EmptyIdsOrName_RefusedBeforeAnyRequest()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("{}"));
        var client = fake.Client();

        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteExperimentAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => client.RenameExperimentAsync("7", ""));
        await Assert.ThrowsAsync<ArgumentException>(() => client.RestoreRunAsync(""));

        Assert.Empty(fake.Requests);
    }
}
