using System.Net.Http.Headers;
using Wharf.Serving.Inference;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Runs one test through wharf-serve's HTTP API: load it with the model repository extension, infer every data
/// set with binary tensor data (and, when asked, again with JSON tensors), compare as the raw run does, unload.
/// </summary>
internal sealed class HttpConformanceRunner(HttpClient client)
{
    /// <summary>How many tests were also checked with JSON tensors.</summary>
    public int JsonChecked { get; private set; }

    /// <summary>The test's model name in the repository: unique across suites, letters, digits and underscores.</summary>
    public static string ModelName(OnnxTestCase test) => $"{test.Suite.Replace('-', '_')}_{test.Name}";

    public async Task<ConformanceOutcome> RunAsync(OnnxTestCase test, bool alsoJson, CancellationToken cancellationToken = default)
    {
        var model = ModelName(test);
        var signature = OnnxModelSignature.Read(test.ModelPath);
        using (var load = await client.PostAsync($"/v2/repository/models/{model}/load", JsonBody(), cancellationToken))
        {
            if (!load.IsSuccessStatusCode)
            {
                return Failed($"load: {(int)load.StatusCode} {await load.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        try
        {
            var outputNames = signature.Outputs.Select(o => o.Name).ToList();
            var jsonDone = false;
            foreach (var dataSet in test.DataSets)
            {
                // input_K.pb is the K-th graph input; the file's own name field may be empty.
                var inputs = dataSet.ReadInputs().Select((tensor, k) => tensor with { Name = signature.Inputs[k].Name }).ToList();
                var expected = dataSet.ReadOutputs();
                using (var request = OpenInferenceHttp.BinaryInferRequest(model, inputs, outputNames))
                {
                    var outcome = await InferAsync(request, expected, outputNames, "binary", cancellationToken);
                    if (outcome.Kind != ConformanceOutcomeKind.Pass)
                    {
                        return outcome;
                    }
                }

                if (alsoJson && OpenInferenceHttp.JsonInferRequest(model, inputs, outputNames) is { } jsonRequest
                    && !expected.Any(HasNonFinite))
                {
                    using (jsonRequest)
                    {
                        var outcome = await InferAsync(jsonRequest, expected, outputNames, "JSON", cancellationToken);
                        if (outcome.Kind != ConformanceOutcomeKind.Pass)
                        {
                            return outcome;
                        }
                    }

                    jsonDone = true;
                }
            }

            JsonChecked += jsonDone ? 1 : 0;
            return ConformanceOutcome.Pass;
        }
        finally
        {
            using var unload = await client.PostAsync($"/v2/repository/models/{model}/unload", JsonBody(), cancellationToken);
        }
    }

    private async Task<ConformanceOutcome> InferAsync(
        HttpRequestMessage request, IReadOnlyList<InferenceTensor> expected, List<string> outputNames, string encoding, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return Failed($"infer ({encoding}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        IReadOnlyList<InferenceTensor> outputs;
        try
        {
            outputs = await OpenInferenceHttp.ReadInferResponseAsync(response, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException or ArgumentException or FormatException)
        {
            return Failed($"infer ({encoding}): unreadable response: {e.Message}");
        }

        // Outputs are matched by name: the protocol does not promise the requested order.
        var actual = new List<InferenceTensor>();
        foreach (var name in outputNames.Take(expected.Count))
        {
            if (outputs.FirstOrDefault(o => o.Name == name) is not { } output)
            {
                return Failed($"infer ({encoding}): output '{name}' missing from the response");
            }

            actual.Add(output);
        }

        var compared = RawConformanceRunner.Compare(expected, actual, $"wrong result over HTTP ({encoding})");
        return compared.Kind == ConformanceOutcomeKind.Pass ? compared : Failed(compared.Reason);
    }

    private static bool HasNonFinite(InferenceTensor tensor)
    {
        if (!TensorComparer.IsFloatingPoint(tensor.DataType))
        {
            return false;
        }

        var size = tensor.DataType.ElementSize();
        for (var offset = 0; offset < tensor.Data.Length; offset += size)
        {
            if (!double.IsFinite(TensorComparer.ReadFloating(tensor.DataType, tensor.Data.Span.Slice(offset, size))))
            {
                return true;
            }
        }

        return false;
    }

    private static ConformanceOutcome Failed(string reason) => new(ConformanceOutcomeKind.FailsHttp, reason);

    private static ByteArrayContent JsonBody()
    {
        var content = new ByteArrayContent("{}"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
