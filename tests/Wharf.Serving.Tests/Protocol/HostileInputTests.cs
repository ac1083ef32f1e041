using System.Net;
using System.Net.Http.Headers;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Protocol;

/// <summary>Every bad request gets a clear 4xx with {"error"}, and the server answers a good request right after.</summary>
[Collection(ServingCollection.Name)]
public sealed class HostileInputTests(ServingFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData("wrong shape", """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,4],"data":[1,2,3,4,5,6,7,8]}]}""", "shape")]
    [InlineData("wrong rank", """{"inputs":[{"name":"x","datatype":"FP32","shape":[3],"data":[1,2,3]}]}""", "shape")]
    [InlineData("fewer data than shape", """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,3],"data":[1,2,3,4,5]}]}""", "fewer")]
    [InlineData("more data than shape", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3,4]}]}""", "more")]
    [InlineData("nesting against shape", """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,3],"data":[[1,2],[3,4],[5,6]]}]}""", "shape")]
    [InlineData("ragged nesting", """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,3],"data":[[1,2,3],[4,5]]}]}""", "entries")]
    [InlineData("mixed nesting", """{"inputs":[{"name":"x","datatype":"FP32","shape":[2,3],"data":[1,2,3,[4,5,6]]}]}""", "nest")]
    [InlineData("wrong datatype", """{"inputs":[{"name":"x","datatype":"FP64","shape":[1,3],"data":[1,2,3]}]}""", "FP32")]
    [InlineData("unknown datatype", """{"inputs":[{"name":"x","datatype":"FLOAT","shape":[1,3],"data":[1,2,3]}]}""", "datatype")]
    [InlineData("string for a number", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,"2",3]}]}""", "FP32")]
    [InlineData("missing input", """{"inputs":[]}""", "missing")]
    [InlineData("no inputs", """{"id":"1"}""", "inputs")]
    [InlineData("extra input", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]},{"name":"z","datatype":"FP32","shape":[1],"data":[1]}]}""", "no input 'z'")]
    [InlineData("duplicate input", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]},{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""", "twice")]
    [InlineData("unknown output", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}],"outputs":[{"name":"nope"}]}""", "no output 'nope'")]
    [InlineData("negative dimension", """{"inputs":[{"name":"x","datatype":"FP32","shape":[-1,3],"data":[1,2,3]}]}""", "shape")]
    [InlineData("huge shape", """{"inputs":[{"name":"x","datatype":"FP32","shape":[4611686018427387904,3],"data":[1,2,3]}]}""", "")]
    [InlineData("data not an array", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":7}]}""", "")]
    [InlineData("data and no shape", """{"inputs":[{"name":"x","datatype":"FP32","data":[1,2,3]}]}""", "shape")]
    [InlineData("invalid JSON", """{"inputs":[{"name":"x",""", "JSON")]
    [InlineData("not an object", """[1,2,3]""", "object")]
    [InlineData("trailing garbage", """{"inputs":[]} {}""", "JSON")]
    [InlineData("empty body", "", "JSON")]
    [InlineData("bad parameter type", """{"parameters":{"binary_data_output":"yes"},"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""", "binary_data_output")]
    [InlineData("binary size without binary body", """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"binary_data_size":12}}]}""", "binary_data_size")]
    public async Task Infer_BadRequest_Returns400AndKeepsServing(string scenario, string json, string containing)
    {
        var response = await Client.PostJsonAsync("/v2/models/id_fp32/infer", json);

        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{scenario}: {response.Status}");
        ServingClient.AssertError(HttpStatusCode.BadRequest, response, containing);
        await Client.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("INT32", "\"NaN\"")]
    [InlineData("INT64", "1.5")]
    [InlineData("UINT8", "256")]
    [InlineData("UINT8", "-1")]
    [InlineData("INT8", "-129")]
    [InlineData("FP32", "1e39")]
    [InlineData("FP16", "70000")]
    [InlineData("FP64", "\"nan\"")]
    [InlineData("BOOL", "1")]
    [InlineData("BYTES", "1")]
    public async Task Infer_ValueTheDatatypeCannotHold_Returns400(string datatype, string value)
    {
        var response = await Client.PostJsonAsync($"/v2/models/{ServingFixture.IdentityModel(datatype)}/infer",
            $$"""{"inputs":[{"name":"x","datatype":"{{datatype}}","shape":[1,1],"data":[{{value}}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        ServingClient.AssertError(HttpStatusCode.BadRequest, response);
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_ErrorBody_QuotesNamesReadably()
    {
        using var content = new StringContent("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}],"outputs":[{"name":"nope"}]}""");
        using var response = await Client.PostAsync("/v2/models/id_fp32/infer", content);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no output 'nope'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NaNAndInfinityForFloats_AreAcceptedAndReturnedAsStrings()
    {
        var (status, body) = await Client.PostJsonAsync("/v2/models/id_fp32/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":["NaN","Infinity","-Infinity"]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""["NaN","Infinity","-Infinity"]""", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_DeepNestingInData_Returns400()
    {
        var json = $$"""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":{{new string('[', 200)}}1{{new string(']', 200)}}}]}""";

        ServingClient.AssertError(HttpStatusCode.BadRequest, await Client.PostJsonAsync("/v2/models/id_fp32/infer", json));
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_DeepNestingInParameters_Returns400()
    {
        var json = $$"""{"parameters":{"a":{{string.Concat(Enumerable.Repeat("{\"a\":", 100))}}1{{new string('}', 100)}}},"inputs":[]}""";

        ServingClient.AssertError(HttpStatusCode.BadRequest, await Client.PostJsonAsync("/v2/models/id_fp32/infer", json));
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_BodyOverLimit_Returns413()
    {
        var data = string.Join(",", Enumerable.Repeat("1.0", (int)(ServingFixture.MaxRequestBytes / 4)));
        var json = $$"""{"inputs":[{"name":"x","datatype":"FP32","shape":[{{ServingFixture.MaxRequestBytes / 12}},3],"data":[{{data}}]}]}""";

        ServingClient.AssertError(HttpStatusCode.RequestEntityTooLarge, await Client.PostJsonAsync("/v2/models/id_fp32/infer", json), "Serving:MaxRequestBytes");
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_ChunkedBodyOverLimit_Returns413WhileReading()
    {
        using var content = new UnknownLengthContent(new byte[ServingFixture.MaxRequestBytes + 1]);
        using var response = await Client.PostAsync("/v2/models/id_fp32/infer", content);

        await ServingClient.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, response);
        await Client.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("99999")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1e3")]
    public async Task Infer_InvalidBinaryHeaderLength_Returns400(string headerLength)
    {
        using var response = await Client.PostBinaryAsync("/v2/models/id_fp32/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"binary_data_size":12}}]}""", new byte[12], headerLength);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, response);
        await Client.AssertStillServingAsync();
    }

    [Theory]
    [InlineData(8, 12)]
    [InlineData(16, 16)]
    [InlineData(12, 16)]
    [InlineData(12, 8)]
    public async Task Infer_BinaryDataSizeDisagreeing_Returns400(int declaredSize, int actualBytes)
    {
        using var response = await Client.PostBinaryAsync("/v2/models/id_fp32/infer",
            $$$"""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"binary_data_size":{{{declaredSize}}}}}]}""", new byte[actualBytes]);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, response, "binary");
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_BinaryShapeWhoseByteSizeOverflows_Returns400()
    {
        using var response = await Client.PostBinaryAsync("/v2/models/id_fp32/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1537228672809129301,3],"parameters":{"binary_data_size":0}}]}""", []);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, response, "binary_data_size");
        await Client.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/v2/nope", "GET")]
    [InlineData("/v2/models/id_fp32/infer", "GET")]
    [InlineData("/v2/models/id_fp32/infer/extra", "POST")]
    public async Task UnknownRouteOrMethod_AnswersWithError(string path, string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Client.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        await ServingClient.AssertErrorAsync(response.StatusCode, response, "not an endpoint");
    }

    [Fact]
    public async Task Infer_BinaryBytesElementRunningPastItsData_Returns400()
    {
        var raw = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(raw, 1000);

        using var response = await Client.PostBinaryAsync("/v2/models/id_bytes/infer",
            """{"inputs":[{"name":"x","datatype":"BYTES","shape":[1,3],"parameters":{"binary_data_size":8}}]}""", raw);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, response);
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_BinaryBoolOtherThanZeroOrOne_Returns400()
    {
        using var response = await Client.PostBinaryAsync("/v2/models/id_bool/infer",
            """{"inputs":[{"name":"x","datatype":"BOOL","shape":[1,3],"parameters":{"binary_data_size":3}}]}""", [0, 1, 2]);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, response, "BOOL");
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_NonUtf8BytesOutputAsJson_Returns400AndBinaryWorks()
    {
        byte[] raw = [1, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];
        const string inputs = "\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1,3],\"parameters\":{\"binary_data_size\":13}}]";

        using var asJson = await Client.PostBinaryAsync("/v2/models/id_bytes/infer", "{" + inputs + "}", raw);
        using var asBinary = await Client.PostBinaryAsync("/v2/models/id_bytes/infer", """{"parameters":{"binary_data_output":true},""" + inputs + "}", raw);

        await ServingClient.AssertErrorAsync(HttpStatusCode.BadRequest, asJson, "binary_data");
        Assert.Equal(HttpStatusCode.OK, asBinary.StatusCode);
        Assert.Equal(raw, (await ServingClient.ReadBinaryResponseAsync(asBinary)).Binary);
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/id_fp32/versions/7/infer", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/id_fp32/versions/abc/infer", HttpStatusCode.NotFound)]
    public async Task Infer_UnknownModelOrVersion_Returns404(string path, HttpStatusCode expected)
    {
        ServingClient.AssertError(expected, await Client.PostJsonAsync(path,
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}"""));
        await Client.AssertStillServingAsync();
    }

    [Fact]
    public async Task Infer_FixedShapeModelWithOtherShape_Returns400()
    {
        ServingClient.AssertError(HttpStatusCode.BadRequest, await Client.PostJsonAsync("/v2/models/fixed/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2],"data":[1,2]}]}"""), "[2,2]");
        await Client.AssertStillServingAsync();
    }

    /// <summary>A body sent without Content-Length (chunked), so the server must count while reading.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            Headers.ContentType ??= new MediaTypeHeaderValue("application/json");
            base.Dispose(disposing);
        }
    }
}
