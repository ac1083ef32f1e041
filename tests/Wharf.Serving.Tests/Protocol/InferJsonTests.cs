using System.Net;
using System.Text.Json;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Protocol;

[Collection(ServingCollection.Name)]
public sealed class InferJsonTests(ServingFixture fixture)
{
    public static TheoryData<string, string> EveryDatatype => new()
    {
        { "BOOL", "[true,false,true,false,false,true]" },
        { "UINT8", "[0,1,2,127,128,255]" },
        { "UINT16", "[0,1,2,300,40000,65535]" },
        { "UINT32", "[0,1,2,70000,3000000000,4294967295]" },
        { "UINT64", "[0,1,2,70000,9223372036854775808,18446744073709551615]" },
        { "INT8", "[-128,-1,0,1,100,127]" },
        { "INT16", "[-32768,-1,0,1,1000,32767]" },
        { "INT32", "[-2147483648,-1,0,1,100000,2147483647]" },
        { "INT64", "[-9223372036854775808,-1,0,1,10000000000,9223372036854775807]" },
        { "FP16", """[1.5,-2,0.25,"NaN","Infinity","-Infinity"]""" },
        { "BF16", """[1.5,-2,0.25,"NaN","Infinity","-Infinity"]""" },
        { "FP32", """[1.5,-2,0.1,"NaN","Infinity","-Infinity"]""" },
        { "FP64", """[1.5,-2,0.1,"NaN","Infinity","-Infinity"]""" },
        { "BYTES", """["a","","h\u00e9llo","x y","\"q\"","\u65e5\u672c"]""" },
    };

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public async Task Infer_EveryDatatypeAsJson_RoundTripsThroughIdentity(string datatype, string data)
    {
        var model = ServingFixture.IdentityModel(datatype);
        var (status, body) = await fixture.Client.PostJsonAsync($"/v2/models/{model}/infer",
            $$"""{"id":"req-1","inputs":[{"name":"x","datatype":"{{datatype}}","shape":[2,3],"data":{{data}}}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(model, body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("req-1", body.GetProperty("id").GetString());
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal(datatype, output.GetProperty("datatype").GetString());
        Assert.Equal("[2,3]", output.GetProperty("shape").GetRawText());
        AssertSameElements(JsonDocument.Parse(data).RootElement, output.GetProperty("data"));
    }

    [Fact]
    public async Task Infer_NestedDataFollowingShape_IsAccepted()
    {
        var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/id_int32/infer",
            """{"inputs":[{"data":[[1,2,3],[4,5,6]],"name":"x","shape":[2,3],"datatype":"INT32"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[1,2,3,4,5,6]", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
        Assert.False(body.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Infer_RequestedOutputs_ReturnsOnlyThoseInRequestedOrder()
    {
        var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/iris/infer",
            """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[5.1,3.5,1.4,0.2]}],"outputs":[{"name":"label"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("label", output.GetProperty("name").GetString());
        Assert.Equal("INT64", output.GetProperty("datatype").GetString());
        Assert.Equal("[1]", output.GetProperty("shape").GetRawText());
    }

    [Fact]
    public async Task Infer_NoOutputsRequested_ReturnsEveryOutput()
    {
        var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/iris/infer",
            """{"inputs":[{"name":"input","datatype":"FP32","shape":[2,4],"data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var names = body.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(new[] { "probabilities", "label" }, names);
        Assert.Equal("[2,3]", body.GetProperty("outputs")[0].GetProperty("shape").GetRawText());
    }

    [Fact]
    public async Task Infer_IrisHeldOutRows_PredictsTheClassesMlNetPredicts()
    {
        var features = fixture.IrisTest.ToFeatureMatrix();
        var json = $$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[{{fixture.IrisTest.Count}},4],"data":[{{string.Join(",", features.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}],"outputs":[{"name":"label"},{"name":"probabilities"}]}""";

        var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/iris/infer", json);

        Assert.Equal(HttpStatusCode.OK, status);
        var labels = body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => (int)e.GetInt64()).ToArray();
        var probabilities = body.GetProperty("outputs")[1].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var expected = fixture.Iris.Predict(fixture.IrisTest);
        Assert.Equal(expected.Select(p => p.Label).ToArray(), labels);
        for (var i = 0; i < expected.Count; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[i].Probabilities[c], probabilities[i * 3 + c], 4);
            }
        }
    }

    [Fact]
    public async Task Infer_ConcurrentClients_EachGetsItsOwnRowsAnswer()
    {
        var expected = fixture.Iris.Predict(fixture.IrisTest);
        var samples = fixture.IrisTest.Samples;

        var labels = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            var features = samples[i % samples.Count].ToFeatures()
                .Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/iris/infer",
                $$"""{"id":"{{i}}","inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[{{string.Join(",", features)}}]}],"outputs":[{"name":"label"}]}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("id").GetString());
            return (int)body.GetProperty("outputs")[0].GetProperty("data")[0].GetInt64();
        }));

        Assert.Equal(Enumerable.Range(0, 64).Select(i => expected[i % samples.Count].Label), labels);
    }

    [Fact]
    public async Task Infer_FixedShapeModel_RunsAtItsShape()
    {
        var (status, body) = await fixture.Client.PostJsonAsync("/v2/models/fixed/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,2],"data":[[1,2],[3,4]]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[1,2,3,4]", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_Versions_DefaultIsHighestAndEachVersionIsAddressable()
    {
        var (latestStatus, latest) = await fixture.Client.PostJsonAsync("/v2/models/versioned/infer",
            """{"inputs":[{"name":"x","datatype":"INT32","shape":[1,3],"data":[1,2,3]}]}""");
        var (firstStatus, first) = await fixture.Client.PostJsonAsync("/v2/models/versioned/versions/1/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1.5,2,3]}]}""");

        Assert.Equal(HttpStatusCode.OK, latestStatus);
        Assert.Equal("2", latest.GetProperty("model_version").GetString());
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal("1", first.GetProperty("model_version").GetString());
        Assert.Equal("[1.5,2,3]", first.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    private static void AssertSameElements(JsonElement expected, JsonElement actual)
    {
        var expectedElements = expected.EnumerateArray().ToArray();
        var actualElements = actual.EnumerateArray().ToArray();
        Assert.Equal(expectedElements.Length, actualElements.Length);
        for (var i = 0; i < expectedElements.Length; i++)
        {
            if (expectedElements[i].ValueKind == JsonValueKind.String)
            {
                Assert.Equal(expectedElements[i].GetString(), actualElements[i].GetString());
            }
            else
            {
                Assert.Equal(expectedElements[i].GetRawText(), actualElements[i].GetRawText());
            }
        }
    }
}
