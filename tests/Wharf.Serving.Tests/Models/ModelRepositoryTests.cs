using System.Net;
using System.Text.Json;
using Wharf.Serving.Tests.Infrastructure;
using Wharf.TestModels;

namespace Wharf.Serving.Tests.Models;

/// <summary>The model repository extension and readiness, each test with its own server and repository.</summary>
public sealed class ModelRepositoryTests : IDisposable
{
    private const string GoodRequest = """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""";

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Repository_LoadAndUnload_MoveTheModelBetweenUnavailableAndReady()
    {
        TestOnnxModels.WriteIdentity(directory.Combine("id", "model.onnx"), TestOnnxModels.Float, null, 3);
        await using var factory = Factory(("Serving:LoadAllAtStartup", "false"));
        using var client = await factory.CreateStartedClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/health/ready")).StatusCode);
        Assert.Equal("""[{"name":"id","version":"1","state":"UNAVAILABLE","reason":"unloaded"}]""", await IndexAsync(client));
        ServingClient.AssertError(HttpStatusCode.ServiceUnavailable, await client.PostJsonAsync("/v2/models/id/infer", GoodRequest), "unloaded");
        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v2/models/id/ready"));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/models/id/load", null)).StatusCode);
        Assert.Equal("""[{"name":"id","version":"1","state":"READY"}]""", await IndexAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v2/models/id/infer", GoodRequest)).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/models/id/ready")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/models/id/unload", null)).StatusCode);
        Assert.Equal("""[{"name":"id","version":"1","state":"UNAVAILABLE","reason":"unloaded"}]""", await IndexAsync(client));
        ServingClient.AssertError(HttpStatusCode.ServiceUnavailable, await client.PostJsonAsync("/v2/models/id/infer", GoodRequest));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Repository_LoadOfModelAddedAfterStart_FindsIt()
    {
        await using var factory = Factory(("Serving:LoadAllAtStartup", "false"));
        using var client = await factory.CreateStartedClientAsync();
        TestOnnxModels.WriteIdentity(directory.Combine("late", "3", "model.onnx"), TestOnnxModels.Float, null, 3);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/models/late/load", null)).StatusCode);

        var (status, body) = await client.PostJsonAsync("/v2/models/late/infer", GoodRequest);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3", body.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Index_ReadyFilter_ListsReadyVersionsOnlyAndRefusesInvalidJson()
    {
        TestOnnxModels.WriteIdentity(directory.Combine("id", "model.onnx"), TestOnnxModels.Float, null, 3);
        TestOnnxModels.WriteIdentity(directory.Combine("other", "model.onnx"), TestOnnxModels.Float, null, 3);
        await using var factory = Factory(("Serving:LoadAllAtStartup", "false"));
        using var client = await factory.CreateStartedClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/models/id/load", null)).StatusCode);

        var (status, body) = await client.PostJsonAsync("/v2/repository/index", """{"ready":true}""");
        var all = await client.PostJsonAsync("/v2/repository/index", """{}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""[{"name":"id","version":"1","state":"READY"}]""", body.GetRawText());
        Assert.Equal(2, all.Body.GetArrayLength());
        ServingClient.AssertError(HttpStatusCode.BadRequest, await client.PostJsonAsync("/v2/repository/index", """{"ready":"""), "JSON");
    }

    [Theory]
    [InlineData("/v2/repository/models/nope/load")]
    [InlineData("/v2/repository/models/nope/unload")]
    public async Task Repository_UnknownModel_Returns404(string path)
    {
        await using var factory = Factory();
        using var client = await factory.CreateReadyClientAsync();

        await ServingClient.AssertErrorAsync(HttpStatusCode.NotFound, await client.PostAsync(path, null));
    }

    [Fact]
    public async Task Ready_ModelThatFailsToLoad_IsNotReadyAndSaysWhyWhileOthersServe()
    {
        TestOnnxModels.WriteIdentity(directory.Combine("id", "model.onnx"), TestOnnxModels.Float, null, 3);
        Directory.CreateDirectory(directory.Combine("broken"));
        CorruptOnnxFiles.WriteRandomBytes(directory.Combine("broken", "model.onnx"));
        await using var factory = Factory();
        using var client = await factory.CreateStartedClientAsync();

        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v2/health/ready"), "broken");
        using var index = JsonDocument.Parse(await IndexAsync(client));
        var broken = index.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "broken");
        Assert.Equal("UNAVAILABLE", broken.GetProperty("state").GetString());
        Assert.Contains("ONNX Runtime cannot load", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v2/models/id/infer", GoodRequest)).Status);

        var load = await client.PostAsync("/v2/repository/models/broken/load", null);
        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, load, "failed to load model 'broken'");
    }

    [Fact]
    public async Task Ready_ConfiguredModelsSection_LoadsNamedFiles()
    {
        var path = directory.Combine("elsewhere.onnx");
        TestOnnxModels.WriteIdentity(path, TestOnnxModels.Int64, null, 3);
        await using var factory = new ServingFactory(new Dictionary<string, string?>
        {
            ["Serving:Models:0:Name"] = "named",
            ["Serving:Models:0:Path"] = path,
            ["Serving:WarmUp"] = "false",
        });
        using var client = await factory.CreateReadyClientAsync();

        var (status, body) = await client.PostJsonAsync("/v2/models/named/infer",
            """{"inputs":[{"name":"x","datatype":"INT64","shape":[1,3],"data":[1,2,3]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[1,2,3]", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Ready_CudaRequestedWhereUnavailable_FailsTheLoadWithAClearReason()
    {
        TestOnnxModels.WriteIdentity(directory.Combine("id", "model.onnx"), TestOnnxModels.Float, null, 3);
        await using var factory = Factory(("Serving:ExecutionProvider", "CUDA"));
        using var client = await factory.CreateStartedClientAsync();

        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v2/health/ready"), "CUDA");
    }

    [Fact]
    public async Task WarmUp_ModelRejectingZerosButTakingOnes_IsReady()
    {
        // Integer division by zero fails; ones divide fine.
        long?[] shape = [null, 3];
        TestOnnxModels.WriteSingleNode(directory.Combine("div", "model.onnx"), "Div",
            [("a", TestOnnxModels.Int32, shape), ("b", TestOnnxModels.Int32, shape)], ("y", TestOnnxModels.Int32, shape));
        await using var factory = Factory();
        using var client = await factory.CreateReadyClientAsync();

        var (status, body) = await client.PostJsonAsync("/v2/models/div/infer",
            """{"inputs":[{"name":"a","datatype":"INT32","shape":[1,3],"data":[6,8,9]},{"name":"b","datatype":"INT32","shape":[1,3],"data":[2,4,3]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[3,2,3]", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task WarmUp_ModelFailingWithZerosAndOnes_IsUnavailableAndNotReady()
    {
        // Unsqueeze refuses duplicate axes: [0,0] and [1,1] both fail.
        TestOnnxModels.WriteSingleNode(directory.Combine("unsqueeze", "model.onnx"), "Unsqueeze",
            [("data", TestOnnxModels.Float, [3]), ("axes", TestOnnxModels.Int64, [2])], ("y", TestOnnxModels.Float, [null, null, null]));
        await using var factory = Factory();
        using var client = await factory.CreateStartedClientAsync();

        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v2/health/ready"), "warm-up");
        await ServingClient.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v2/models/unsqueeze/ready"), "warm-up");
    }

    [Fact]
    public async Task WarmUp_Disabled_ModelIsReadyWithoutIt()
    {
        TestOnnxModels.WriteSingleNode(directory.Combine("unsqueeze", "model.onnx"), "Unsqueeze",
            [("data", TestOnnxModels.Float, [3]), ("axes", TestOnnxModels.Int64, [2])], ("y", TestOnnxModels.Float, [null, null, null]));
        await using var factory = Factory(("Serving:WarmUp", "false"));
        using var client = await factory.CreateReadyClientAsync();

        var (status, body) = await client.PostJsonAsync("/v2/models/unsqueeze/infer",
            """{"inputs":[{"name":"data","datatype":"FP32","shape":[3],"data":[1,2,3]},{"name":"axes","datatype":"INT64","shape":[2],"data":[0,2]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[1,3,1]", body.GetProperty("outputs")[0].GetProperty("shape").GetRawText());
    }

    private ServingFactory Factory(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Serving:ModelRepository"] = directory.Path };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new ServingFactory(all);
    }

    private static async Task<string> IndexAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v2/repository/index", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
