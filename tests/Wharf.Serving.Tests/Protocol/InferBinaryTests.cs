using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Protocol;

[Collection(ServingCollection.Name)]
public sealed class InferBinaryTests(ServingFixture fixture)
{
    public static TheoryData<string> EveryDatatype => new(ServingFixture.IdentityModels.Keys);

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public async Task Infer_EveryDatatypeAsBinary_RoundTripsBitForBit(string datatype)
    {
        var raw = RawTensor(datatype, elementCount: 6, seed: datatype.Length);
        var header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"x","datatype":"{{{datatype}}}","shape":[2,3],"parameters":{"binary_data_size":{{{raw.Length}}}}}]}""";

        using var response = await fixture.Client.PostBinaryAsync($"/v2/models/{ServingFixture.IdentityModel(datatype)}/infer", header, raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var (json, binary) = await ServingClient.ReadBinaryResponseAsync(response);
        var output = json.GetProperty("outputs")[0];
        Assert.Equal(datatype, output.GetProperty("datatype").GetString());
        Assert.Equal("[2,3]", output.GetProperty("shape").GetRawText());
        Assert.Equal(raw.Length, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal(raw, binary);
    }

    [Fact]
    public async Task Infer_BinaryOutputLargerThanOneFlush_RoundTripsBitForBit()
    {
        // 600 KB of output: the writer flushes it in 64 KiB parts rather than in one piece with the header.
        var raw = RawTensor("FP32", elementCount: 150_000, seed: 11);
        var header = $$$"""{"parameters":{"binary_data_output":true},"inputs":[{"name":"x","datatype":"FP32","shape":[50000,3],"parameters":{"binary_data_size":{{{raw.Length}}}}}]}""";

        using var response = await fixture.Client.PostBinaryAsync("/v2/models/id_fp32/infer", header, raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await ServingClient.ReadBinaryResponseAsync(response);
        Assert.Equal("[50000,3]", json.GetProperty("outputs")[0].GetProperty("shape").GetRawText());
        Assert.Equal(raw, binary);
    }

    [Fact]
    public async Task Infer_BinaryInputJsonOutput_ReturnsJson()
    {
        var raw = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(raw, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4), -2f);
        BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(8), 3f);

        using var response = await fixture.Client.PostBinaryAsync("/v2/models/id_fp32/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"binary_data_size":12}}]}""", raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("[1.5,-2,3]", json.RootElement.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_BinaryDataOnOneOutput_MixesJsonAndBinary()
    {
        using var content = new StringContent(
            """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[5.1,3.5,1.4,0.2]}],"outputs":[{"name":"label"},{"name":"probabilities","parameters":{"binary_data":true}}]}""",
            Encoding.UTF8, "application/json");

        using var response = await fixture.Client.PostAsync("/v2/models/iris/infer", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await ServingClient.ReadBinaryResponseAsync(response);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("outputs")[0].GetProperty("data").ValueKind);
        Assert.Equal(12, json.GetProperty("outputs")[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(12, binary.Length);
        var sum = BinaryPrimitives.ReadSingleLittleEndian(binary) + BinaryPrimitives.ReadSingleLittleEndian(binary.AsSpan(4))
            + BinaryPrimitives.ReadSingleLittleEndian(binary.AsSpan(8));
        Assert.Equal(1f, sum, 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Infer_BinaryInputAtAnyAlignment_RoundTrips(int padding)
    {
        var raw = RawTensor("FP64", elementCount: 3, seed: padding);
        var header = """{"parameters":{"binary_data_output":true},"inputs":[{"name":"x","datatype":"FP64","shape":[1,3],"parameters":{"binary_data_size":24}}]}"""
            + new string(' ', padding);

        using var response = await fixture.Client.PostBinaryAsync("/v2/models/id_fp64/infer", header, raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(raw, (await ServingClient.ReadBinaryResponseAsync(response)).Binary);
    }

    /// <summary>Random raw-layout data; BOOL as 0/1 bytes, BYTES as length-prefixed random byte strings.</summary>
    private static byte[] RawTensor(string datatype, int elementCount, int seed)
    {
        var random = new Random(seed);
        if (datatype == "BYTES")
        {
            using var stream = new MemoryStream();
            for (var i = 0; i < elementCount; i++)
            {
                var element = new byte[random.Next(0, 9)];
                random.NextBytes(element);
                var length = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(length, element.Length);
                stream.Write(length);
                stream.Write(element);
            }

            return stream.ToArray();
        }

        var size = datatype switch
        {
            "BOOL" or "UINT8" or "INT8" => 1,
            "UINT16" or "INT16" or "FP16" or "BF16" => 2,
            "UINT32" or "INT32" or "FP32" => 4,
            _ => 8,
        };
        var raw = new byte[elementCount * size];
        random.NextBytes(raw);
        if (datatype == "BOOL")
        {
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] &= 1;
            }
        }

        return raw;
    }
}
