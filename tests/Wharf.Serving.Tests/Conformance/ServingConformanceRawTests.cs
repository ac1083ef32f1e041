using Xunit.Abstractions;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Every libonnx-testdata test straight through ONNX Runtime: the reference the HTTP run
/// (<see cref="ServingConformanceHttpTests"/>) is held to. Every test directory is classified; none is skipped.
/// </summary>
public sealed class ServingConformanceRawTests(ITestOutputHelper output)
{
    [Fact]
    public void LibOnnxTestData_RunRaw_EveryTestClassifiedAndTheCoreOperatorsPass()
    {
        var tests = OnnxTestCase.Discover();
        var report = new ConformanceReport();
        foreach (var test in tests)
        {
            report.Add(test, RawConformanceRunner.Run(test));
        }

        var path = report.WriteFile("onnx-conformance.txt", "libonnx-testdata through ONNX Runtime 1.31.1 (raw)");
        output.WriteLine(report.Format("libonnx-testdata through ONNX Runtime 1.31.1 (raw)"));
        output.WriteLine($"written to {path}");

        Assert.Equal(tests.Count, report.Rows.Count);
        // The harness reads every TensorProto the package ships.
        Assert.Empty(report.Rows.Where(r => r.Raw.Kind == ConformanceOutcomeKind.BadTestData).Select(r => $"{r.Test.Id}: {r.Raw.Reason}"));
        // Float, integer, bool and string tensors, raw_data and typed fields: these must pass, or the reader,
        // the raw layout or the comparison is wrong.
        foreach (var id in CorePassing)
        {
            var row = Assert.Single(report.Rows, r => r.Test.Id == id);
            Assert.True(row.Raw.Kind == ConformanceOutcomeKind.Pass, $"{id}: {row.Raw.Kind} {row.Raw.Reason}");
        }

        Assert.True(report.Count(ConformanceOutcomeKind.Pass) >= MinimumPassing,
            $"{report.Count(ConformanceOutcomeKind.Pass)} tests pass raw, fewer than the {MinimumPassing} ONNX Runtime 1.31.1 passed when this was written");
    }

    // 959 passed with ONNX Runtime 1.31.1 on x86-64 when this was written; a little slack for other CPUs' rounding
    // in the tolerance-edge tests (dft, stft, resize).
    internal const int MinimumPassing = 950;

    // One per datatype family and both TensorProto encodings (typed fields and raw_data).
    internal static readonly string[] CorePassing =
    [
        "node/test_abs",
        "node/test_add",
        "node/test_add_uint8",
        "node/test_and2d",
        "node/test_argmax_default_axis_example",
        "node/test_bitshift_left_uint64",
        "node/test_cast_FLOAT16_to_DOUBLE",
        "node/test_cast_STRING_to_FLOAT",
        "node/test_strnormalizer_export_monday_casesensintive_nochangecase",
        "pytorch-converted/test_Conv2d",
        "simple/test_single_relu_model",
    ];
}
