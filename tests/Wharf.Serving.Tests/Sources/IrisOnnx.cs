using System.Globalization;
using System.Net;
using System.Text.Json;
using Wharf.Serving.Tests.Infrastructure;
using Wharf.TestModels;

namespace Wharf.Serving.Tests.Sources;

/// <summary>The iris classifier (ML.NET on Debian's iris CSV, written as ONNX), trained once for the source tests.</summary>
internal static class IrisOnnx
{
    private static readonly Lazy<(byte[] Onnx, IrisSample[] Samples, int[] Expected)> Trained = new(() =>
    {
        var (train, test) = IrisData.Load().Split(0.8, seed: 1);
        var model = IrisTrainer.Train(train);
        var expected = model.Predict(test).Select(p => p.Label).ToArray();
        return (OnnxModelWriter.Serialize(model.Parameters), test.Samples.ToArray(), expected);
    });

    public static byte[] Bytes => Trained.Value.Onnx;

    /// <summary>Infers every test flower through the server and checks each class is the one the trained model predicts.</summary>
    public static async Task AssertPredictsAsync(HttpClient client, string model, string? version = null)
    {
        var (_, samples, expected) = Trained.Value;
        var data = string.Join(",", samples.SelectMany(s => s.ToFeatures()).Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var path = version is null ? $"/v2/models/{model}/infer" : $"/v2/models/{model}/versions/{version}/infer";
        var (status, body) = await client.PostJsonAsync(path,
            $$"""{"inputs":[{"name":"{{OnnxModelWriter.InputName}}","datatype":"FP32","shape":[{{samples.Length}},4],"data":[{{data}}]}],"outputs":[{"name":"{{OnnxModelWriter.LabelName}}"}]}""");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var labels = body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => (int)e.GetInt64()).ToArray();
        Assert.Equal(expected, labels);
        Assert.Contains(labels, l => l != labels[0]);
    }

    /// <summary>The repository index entries: (name, version) → (state, reason).</summary>
    public static async Task<Dictionary<string, (string State, string? Reason)>> IndexAsync(HttpClient client)
    {
        var (_, body) = await client.PostJsonAsync("/v2/repository/index", "{}");
        return body.EnumerateArray().ToDictionary(
            e => $"{e.GetProperty("name").GetString()}:{e.GetProperty("version").GetString()}",
            e => (e.GetProperty("state").GetString()!, e.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null));
    }
}
