using System.Globalization;
using System.Text;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// One item's infer request and response in the binary tensor data extension: a JSON header of
/// <c>Inference-Header-Content-Length</c> bytes, then the raw float32 tensor. The HTTP limit answers with a response
/// of the same shape and size as wharf-serve's.
/// </summary>
internal sealed record InferPayload(string Path, byte[] Body, int HeaderLength)
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static InferPayload Request(MlpModel model)
    {
        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$$"""{"inputs":[{"name":"{{{MlpModel.InputName}}}","shape":[1,{{{model.InputFeatures}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{model.InputFeatures * 4}}}}}],"outputs":[{"name":"{{{MlpModel.OutputName}}}"}],"parameters":{"binary_data_output":true}}"""));
        var body = new byte[header.Length + model.InputFeatures * 4];
        header.CopyTo(body, 0);
        for (var i = 0; i < model.InputFeatures; i++)
        {
            BitConverter.TryWriteBytes(body.AsSpan(header.Length + i * 4), 0.5f + i % 7 * 0.1f);
        }

        return new InferPayload($"/v2/models/{model.Name}/infer", body, header.Length);
    }

    public static InferPayload Response(MlpModel model)
    {
        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$$"""{"model_name":"{{{model.Name}}}","model_version":"1","outputs":[{"name":"{{{MlpModel.OutputName}}}","datatype":"FP32","shape":[1,{{{model.OutputFeatures}}}],"parameters":{"binary_data_size":{{{model.OutputFeatures * 4}}}}}]}"""));
        var body = new byte[header.Length + model.OutputFeatures * 4];
        header.CopyTo(body, 0);
        return new InferPayload($"/v2/models/{model.Name}/infer", body, header.Length);
    }
}
