namespace Wharf.Serving.Tests.Conformance;

internal enum ConformanceOutcomeKind
{
    /// <summary>Every data set's outputs match.</summary>
    Pass,

    /// <summary>ONNX Runtime itself refuses to load or run the model, or computes a different result.</summary>
    FailsRaw,

    /// <summary>Raw passes but the same test through wharf-serve's HTTP API does not.</summary>
    FailsHttp,

    /// <summary>Inputs or outputs the Open Inference Protocol cannot carry (sequences, maps, optionals, complex, float8, ...).</summary>
    UnsupportedByProtocol,

    /// <summary>The package ships no model.onnx for the test (the "real" suite's models are downloads).</summary>
    NoModel,

    /// <summary>A .pb file this harness cannot read: a harness bug, reported, never hidden.</summary>
    BadTestData,
}
