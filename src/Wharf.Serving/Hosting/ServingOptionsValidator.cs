using Microsoft.Extensions.Options;

namespace Wharf.Serving.Hosting;

/// <summary>Refuses to start on configuration that cannot work; each message names its key.</summary>
internal sealed class ServingOptionsValidator : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBytes <= 0)
        {
            failures.Add("Serving:MaxRequestBytes must be positive.");
        }

        if (options.IntraOpThreads < 0 || options.InterOpThreads < 0)
        {
            failures.Add("Serving:IntraOpThreads and Serving:InterOpThreads must be 0 (ONNX Runtime's default) or positive.");
        }

        if (!string.Equals(options.ExecutionProvider, "CPU", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.ExecutionProvider, "CUDA", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Serving:ExecutionProvider must be CPU or CUDA, not '{options.ExecutionProvider}'.");
        }

        if (!string.IsNullOrEmpty(options.ModelRepository) && !Directory.Exists(options.ModelRepository))
        {
            failures.Add($"Serving:ModelRepository '{options.ModelRepository}' is not a directory.");
        }

        for (var i = 0; i < options.Models.Count; i++)
        {
            var model = options.Models[i];
            if (string.IsNullOrWhiteSpace(model.Name) || model.Name.Contains('/', StringComparison.Ordinal))
            {
                failures.Add($"Serving:Models:{i}:Name must be a non-empty name without '/'.");
            }

            if (string.IsNullOrWhiteSpace(model.Path))
            {
                failures.Add($"Serving:Models:{i}:Path must name an .onnx file.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
