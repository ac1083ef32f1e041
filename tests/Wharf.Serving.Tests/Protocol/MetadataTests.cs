using System.Net;
using System.Text.Json;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Protocol;

[Collection(ServingCollection.Name)]
public sealed class MetadataTests(ServingFixture fixture)
{
    [Fact]
    public async Task ServerMetadata_ListsTheExtensions()
    {
        using var json = JsonDocument.Parse(await fixture.Client.GetStringAsync("/v2"));

        Assert.Equal("wharf-serve", json.RootElement.GetProperty("name").GetString());
        var extensions = json.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("model_repository", extensions);
        Assert.Contains("binary_tensor_data", extensions);
    }

    [Fact]
    public async Task ModelMetadata_Iris_DescribesTheSignature()
    {
        using var json = JsonDocument.Parse(await fixture.Client.GetStringAsync("/v2/models/iris"));
        var root = json.RootElement;

        Assert.Equal("iris", root.GetProperty("name").GetString());
        Assert.Equal("""["1"]""", root.GetProperty("versions").GetRawText());
        Assert.Equal("onnxruntime_onnx", root.GetProperty("platform").GetString());
        Assert.Equal("""[{"name":"input","datatype":"FP32","shape":[-1,4]}]""", root.GetProperty("inputs").GetRawText());
        Assert.Equal(
            """[{"name":"probabilities","datatype":"FP32","shape":[-1,3]},{"name":"label","datatype":"INT64","shape":[-1]}]""",
            root.GetProperty("outputs").GetRawText());
    }

    [Fact]
    public async Task ModelMetadata_Versions_DefaultIsHighestAndEachIsAddressable()
    {
        using var latest = JsonDocument.Parse(await fixture.Client.GetStringAsync("/v2/models/versioned"));
        using var first = JsonDocument.Parse(await fixture.Client.GetStringAsync("/v2/models/versioned/versions/1"));

        Assert.Equal("""["1","2"]""", latest.RootElement.GetProperty("versions").GetRawText());
        Assert.Equal("INT32", latest.RootElement.GetProperty("inputs")[0].GetProperty("datatype").GetString());
        Assert.Equal("FP32", first.RootElement.GetProperty("inputs")[0].GetProperty("datatype").GetString());
    }

    [Fact]
    public async Task ModelMetadata_FixedShape_HasNoDynamicDimension()
    {
        using var json = JsonDocument.Parse(await fixture.Client.GetStringAsync("/v2/models/fixed"));

        Assert.Equal("[2,2]", json.RootElement.GetProperty("inputs")[0].GetProperty("shape").GetRawText());
    }

    [Theory]
    [InlineData("/v2/models/nope")]
    [InlineData("/v2/models/iris/versions/9")]
    [InlineData("/v2/models/nope/ready")]
    [InlineData("/v2/models/iris/versions/9/ready")]
    public async Task Metadata_UnknownModelOrVersion_Returns404WithError(string path)
    {
        using var response = await fixture.Client.GetAsync(path);

        await ServingClient.AssertErrorAsync(HttpStatusCode.NotFound, response);
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/iris/ready")]
    [InlineData("/v2/models/versioned/versions/1/ready")]
    public async Task Health_LoadedServer_Returns200(string path)
    {
        using var response = await fixture.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
