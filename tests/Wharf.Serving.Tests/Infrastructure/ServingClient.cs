using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Serving.Tests.Infrastructure;

/// <summary>Helpers for Open Inference Protocol requests and the assertions every hostile-input test makes.</summary>
internal static class ServingClient
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Posts a binary-extension body: the JSON header, then the raw tensors.</summary>
    public static async Task<HttpResponseMessage> PostBinaryAsync(this HttpClient client, string path, string header, byte[] binary, string? headerLength = null)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var content = new ByteArrayContent([.. headerBytes, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, headerLength ?? headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await client.PostAsync(path, content);
    }

    /// <summary>Splits a binary response into its JSON header and the bytes after it.</summary>
    public static async Task<(JsonElement Header, byte[] Binary)> ReadBinaryResponseAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var length = int.Parse(response.Headers.GetValues(HeaderLength).Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (JsonDocument.Parse(bytes.AsMemory(0, length)).RootElement.Clone(), bytes[length..]);
    }

    /// <summary>The refusal has the given status and the protocol's {"error": "..."} body.</summary>
    public static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, JsonElement Body) response, string? containing = null)
    {
        Assert.Equal(expected, response.Status);
        var error = response.Body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrEmpty(error));
        if (containing is not null)
        {
            Assert.Contains(containing, error, StringComparison.OrdinalIgnoreCase);
        }
    }

    public static async Task AssertErrorAsync(HttpStatusCode expected, HttpResponseMessage response, string? containing = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        AssertError(expected, (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone()), containing);
    }

    /// <summary>The server still answers a good request after a bad one.</summary>
    public static async Task AssertStillServingAsync(this HttpClient client)
    {
        var (status, body) = await client.PostJsonAsync("/v2/models/id_fp32/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"data":[1,2,3]}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[1,2,3]", body.GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }
}
