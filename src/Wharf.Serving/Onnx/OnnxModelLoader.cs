using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using Wharf.Serving.Hosting;
using Wharf.Serving.Inference;
using Wharf.Serving.Models;

namespace Wharf.Serving.Onnx;

/// <summary>Opens an ONNX file as an <see cref="OnnxInferenceRunner"/> with the configured session options.</summary>
internal sealed class OnnxModelLoader(IOptions<ServingOptions> options)
{
    /// <exception cref="ModelLoadException">The file is missing, not a model ONNX Runtime accepts, or uses types the protocol cannot carry.</exception>
    public OnnxInferenceRunner Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"the model file '{path}' does not exist");
        }

        var settings = options.Value;
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // ONNX Runtime's own warnings (optimizers skipping old opsets) go to stderr unstructured; errors reach the
            // load reason and the log through exceptions anyway.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        InferenceSession? session = null;
        try
        {
            if (settings.IntraOpThreads > 0)
            {
                sessionOptions.IntraOpNumThreads = settings.IntraOpThreads;
            }

            if (settings.InterOpThreads > 0)
            {
                // Inter-op threads only run independent branches of the graph in parallel mode; asking for more than
                // one is asking for that mode.
                sessionOptions.InterOpNumThreads = settings.InterOpThreads;
                if (settings.InterOpThreads > 1)
                {
                    sessionOptions.ExecutionMode = ExecutionMode.ORT_PARALLEL;
                }
            }

            if (string.Equals(settings.ExecutionProvider, "CUDA", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    sessionOptions.AppendExecutionProvider_CUDA(0);
                }
                catch (Exception exception) when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    throw new ModelLoadException(
                        $"Serving:ExecutionProvider is CUDA but the CUDA execution provider is not available here: {exception.Message}", exception);
                }
            }

            try
            {
                session = new InferenceSession(path, sessionOptions);
            }
            catch (OnnxRuntimeException exception)
            {
                throw new ModelLoadException($"ONNX Runtime cannot load '{Path.GetFileName(path)}': {exception.Message}", exception);
            }

            var signature = new ModelSignature(
                session.InputNames.Select(name => ToSignature(name, session.InputMetadata[name], "input")).ToArray(),
                session.OutputNames.Select(name => ToSignature(name, session.OutputMetadata[name], "output")).ToArray());
            var runner = new OnnxInferenceRunner(session, signature);
            session = null;
            return runner;
        }
        finally
        {
            session?.Dispose();
            sessionOptions.Dispose();
        }
    }

    private static TensorSignature ToSignature(string name, NodeMetadata metadata, string kind)
    {
        if (!metadata.IsTensor || !OnnxTypes.TryToDataType(metadata.ElementDataType, out var dataType))
        {
            var type = metadata.IsTensor ? metadata.ElementDataType.ToString() : metadata.OnnxValueType.ToString();
            throw new ModelLoadException(
                $"{kind} '{name}' is of type {type}, which the Open Inference Protocol cannot carry " +
                $"(supported: {string.Join(", ", Enum.GetValues<TensorDataType>().Select(t => t.ToWireName()))} tensors)");
        }

        // ONNX Runtime reports -1 for a dynamic dimension and for a symbolic one (dim_param); some exporters write 0
        // with a symbolic name, which is dynamic too.
        var shape = new long[metadata.Dimensions.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            var symbolic = i < metadata.SymbolicDimensions.Length && !string.IsNullOrEmpty(metadata.SymbolicDimensions[i]);
            shape[i] = metadata.Dimensions[i] < 0 || symbolic ? -1 : metadata.Dimensions[i];
        }

        return new TensorSignature(name, dataType, shape);
    }
}
