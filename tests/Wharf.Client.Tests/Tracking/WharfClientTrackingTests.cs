using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.Client.Tracking;

namespace Wharf.Client.Tests.Tracking;

public sealed class WharfClientTrackingTests
{
    private const string RunBody = """
        {"run":{"info":{"run_id":"abc","run_uuid":"abc","run_name":"r1","experiment_id":"7","user_id":"admin","status":"FINISHED",
        "start_time":"1700000000000","end_time":1700000005000,"artifact_uri":"mlflow-artifacts:/7/abc/artifacts","lifecycle_stage":"active"},
        "data":{"metrics":[
          {"key":"nan","value":"NaN","timestamp":"1700000000001","step":"3"},
          {"key":"inf","value":"Infinity","timestamp":1700000000002,"step":0},
          {"key":"neg","value":"-Infinity","timestamp":1700000000003,"step":1},
          {"key":"acc","value":"0.25","timestamp":1700000000004,"step":"9007199254740993"}],
        "params":[{"key":"lr","value":"0.01"}]},"inputs":{},"unknown_field":{"x":1}}}
        """;

    [Fact]
    public async Task GetRunAsync_NonFiniteStringsAndInt64Strings_Parsed()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json(RunBody));

        var run = await fake.Client().GetRunAsync("abc");

        Assert.Equal("/api/2.0/mlflow/runs/get?run_id=abc", fake.Requests.Single().PathAndQuery);
        Assert.Equal(1700000000000, run.Info.StartTime);
        Assert.Equal(1700000005000, run.Info.EndTime);
        var metrics = run.Data.Metrics.ToDictionary(m => m.Key);
        Assert.True(double.IsNaN(metrics["nan"].Value));
        Assert.Equal(3, metrics["nan"].Step);
        Assert.Equal(1700000000001, metrics["nan"].Timestamp);
        Assert.Equal(double.PositiveInfinity, metrics["inf"].Value);
        Assert.Equal(double.NegativeInfinity, metrics["neg"].Value);
        Assert.Equal(0.25, metrics["acc"].Value);
        Assert.Equal(9007199254740993, metrics["acc"].Step); // beyond double precision: read as an exact int64
        Assert.Equal(new Param("lr", "0.01"), Assert.Single(run.Data.Params));
        Assert.Empty(run.Data.Tags); // omitted on the wire, empty in the SDK
    }

    [Fact]
    public async Task GetRunAsync_MlflowErrorBody_ThrowsMlflowApiExceptionWithCodeAndMessage()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json(
            """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run with id=nope not found"}""", HttpStatusCode.NotFound));

        var ex = await Assert.ThrowsAsync<MlflowApiException>(() => fake.Client().GetRunAsync("nope"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", ex.ErrorCode);
        Assert.Equal("Run with id=nope not found", ex.ErrorMessage);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateExperimentAsync_ProblemDetailsInsteadOfMlflowError_ThrowsPlainWharfApiException()
    {
        var fake = new FakeMlflowServer((_, _) => new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("""{"title":"Unauthorized","status":401,"detail":"token expired"}""", Encoding.UTF8, "application/json"),
        });

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => fake.Client().CreateExperimentAsync("p/e"));

        Assert.IsNotType<MlflowApiException>(ex);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("token expired", ex.Problem?.Detail);
    }

    [Fact]
    public async Task GetExperimentAsync_ErrorWithGarbageBody_ThrowsWithStatusOnly()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("<html>bad gateway</html>", HttpStatusCode.BadGateway));

        var ex = await Assert.ThrowsAsync<WharfApiException>(() => fake.Client().GetExperimentAsync("1"));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Null(ex.Problem);
    }

    [Fact]
    public async Task LogBatchAsync_NonFiniteValues_SentAsMlflowStringsInSnakeCase()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("{}"));

        await fake.Client().LogBatchAsync("abc",
            [new Metric("loss", double.NaN, 1, 2), new Metric("x", double.NegativeInfinity, 1, 3), new Metric("y", 0.5, 1)],
            [new Param("lr", "0.01")]);

        var (method, path, _) = fake.Requests.Single();
        Assert.Equal(HttpMethod.Post, method);
        Assert.Equal("/api/2.0/mlflow/runs/log-batch", path);
        using var body = JsonDocument.Parse(fake.BodyOf(0));
        Assert.Equal("abc", body.RootElement.GetProperty("run_id").GetString());
        var metrics = body.RootElement.GetProperty("metrics");
        Assert.Equal("NaN", metrics[0].GetProperty("value").GetString());
        Assert.Equal("-Infinity", metrics[1].GetProperty("value").GetString());
        Assert.Equal(0.5, metrics[2].GetProperty("value").GetDouble());
        Assert.Equal(2, metrics[0].GetProperty("step").GetInt64());
        Assert.Equal("lr", body.RootElement.GetProperty("params")[0].GetProperty("key").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task SearchRunsAsync_SendsMlflowFieldsAndReadsNextPageToken()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("""{"runs":[{"info":{"run_id":"a","experiment_id":"1"}}],"next_page_token":"t2"}"""));

        var page = await fake.Client().SearchRunsAsync(["1", "2"], "metrics.acc > 0.9", ["metrics.acc DESC"], 10, "t1", ViewType.All);

        Assert.Equal("t2", page.NextPageToken);
        Assert.Equal("a", Assert.Single(page.Runs).Info.RunId);
        using var body = JsonDocument.Parse(fake.BodyOf(0));
        var root = body.RootElement;
        Assert.Equal(["1", "2"], root.GetProperty("experiment_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("metrics.acc > 0.9", root.GetProperty("filter").GetString());
        Assert.Equal("metrics.acc DESC", root.GetProperty("order_by")[0].GetString());
        Assert.Equal(10, root.GetProperty("max_results").GetInt32());
        Assert.Equal("t1", root.GetProperty("page_token").GetString());
        Assert.Equal("ALL", root.GetProperty("run_view_type").GetString());
    }

    [Fact]
    public async Task SearchRunsAsync_EmptyAnswer_NoRunsAndNoToken()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("{}"));

        var page = await fake.Client().SearchRunsAsync(["1"]);

        Assert.Empty(page.Runs);
        Assert.Null(page.NextPageToken);
        Assert.DoesNotContain("filter", fake.BodyOf(0), StringComparison.Ordinal); // unset fields are omitted
    }

    [Fact]
    public async Task EnumerateMetricHistoryAsync_FollowsPageTokens()
    {
        var fake = new FakeMlflowServer((_, path) => FakeMlflowServer.Json(path.Contains("page_token=p2", StringComparison.Ordinal)
            ? """{"metrics":[{"key":"loss","value":"NaN","timestamp":3,"step":"2"}]}"""
            : """{"metrics":[{"key":"loss","value":1.5,"timestamp":1,"step":0},{"key":"loss","value":1,"timestamp":2,"step":1}],"next_page_token":"p2"}"""));

        var points = new List<Metric>();
        await foreach (var point in fake.Client().EnumerateMetricHistoryAsync("abc", "loss", pageSize: 2))
        {
            points.Add(point);
        }

        Assert.Equal([0L, 1L, 2L], points.Select(p => p.Step));
        Assert.True(double.IsNaN(points[2].Value));
        Assert.Equal("/api/2.0/mlflow/metrics/get-history?run_id=abc&metric_key=loss&max_results=2", fake.Requests[0].PathAndQuery);
        Assert.Equal("/api/2.0/mlflow/metrics/get-history?run_id=abc&metric_key=loss&max_results=2&page_token=p2", fake.Requests[1].PathAndQuery);
    }

    [Fact]
    public async Task ListArtifactsAsync_ListsUnderRunRootAndAnswersPathsFromRoot()
    {
        var fake = new FakeMlflowServer((_, path) => path.StartsWith("/api/2.0/mlflow/runs/get", StringComparison.Ordinal)
            ? FakeMlflowServer.Json(RunBody)
            : FakeMlflowServer.Json("""{"files":[{"path":"model","is_dir":true},{"path":"weights.bin","is_dir":false,"file_size":"123"}]}"""));

        var files = await fake.Client().ListArtifactsAsync("abc", "out");

        Assert.Equal("/api/2.0/mlflow-artifacts/artifacts?path=7%2Fabc%2Fartifacts%2Fout", fake.Requests[1].PathAndQuery);
        Assert.Equal([new ArtifactFile("out/model", true), new ArtifactFile("out/weights.bin", false, 123)], files);
    }

    [Fact]
    public async Task UploadArtifactAsync_PutsBytesAtEscapedProxyPath()
    {
        var fake = new FakeMlflowServer((method, _) => method == HttpMethod.Get ? FakeMlflowServer.Json(RunBody) : FakeMlflowServer.Json("{}"));
        var bytes = Encoding.UTF8.GetBytes("hello artifact");

        await fake.Client().UploadArtifactAsync("abc", "dir/a b#1.txt", new MemoryStream(bytes));

        var (method, path, body) = fake.Requests[1];
        Assert.Equal(HttpMethod.Put, method);
        Assert.Equal("/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/dir/a%20b%231.txt", path);
        Assert.Equal(bytes, body);
    }

    [Fact]
    public async Task DownloadArtifactAsync_CopiesBodyAndRaisesMlflowErrors()
    {
        var payload = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var fake = new FakeMlflowServer((_, path) =>
            path.StartsWith("/api/2.0/mlflow/runs/get", StringComparison.Ordinal) ? FakeMlflowServer.Json(RunBody)
            : path.EndsWith("/missing.txt", StringComparison.Ordinal)
                ? FakeMlflowServer.Json("""{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no such artifact"}""", HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(payload) });
        var client = fake.Client();
        using var destination = new MemoryStream();

        await client.DownloadArtifactAsync("abc", "model/w.bin", destination);
        var ex = await Assert.ThrowsAsync<MlflowApiException>(() => client.DownloadArtifactAsync("abc", "missing.txt", Stream.Null));

        Assert.Equal(payload, destination.ToArray());
        Assert.Equal("/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/model/w.bin", fake.Requests[1].PathAndQuery);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", ex.ErrorCode);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task UploadArtifactAsync_DotSegmentsOrEmptyPath_RefusedBeforeAnyRequest(string path)
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json(RunBody));

        await Assert.ThrowsAsync<ArgumentException>(() => fake.Client().UploadArtifactAsync("abc", path, new MemoryStream([1])));

        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task ListArtifactsAsync_RunOutsideTheProxy_ThrowsNotSupported()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json("""{"run":{"info":{"run_id":"abc","experiment_id":"1","artifact_uri":"s3://bucket/x"}}}"""));

        await Assert.ThrowsAsync<NotSupportedException>(() => fake.Client().ListArtifactsAsync("abc"));
    }

    [Fact]
    public async Task SearchExperimentsAsync_ParsesExperimentsWithStringTimes()
    {
        var fake = new FakeMlflowServer((_, _) => FakeMlflowServer.Json(
            """{"experiments":[{"experiment_id":"3","name":"p/e","artifact_location":"mlflow-artifacts:/3","lifecycle_stage":"active","creation_time":"1700000000000","tags":[{"key":"k","value":"v"}]}]}"""));

        var page = await fake.Client().SearchExperimentsAsync();

        var experiment = Assert.Single(page.Experiments);
        Assert.Equal("3", experiment.ExperimentId);
        Assert.Equal(1700000000000, experiment.CreationTime);
        Assert.Null(experiment.LastUpdateTime);
        Assert.Equal(new TrackingTag("k", "v"), Assert.Single(experiment.Tags));
    }
}
