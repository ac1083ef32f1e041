using System.Globalization;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// One test of Debian's libonnx-testdata: <c>data/&lt;suite&gt;/&lt;name&gt;/model.onnx</c> and
/// <c>test_data_set_N/input_K.pb, output_K.pb</c>. The "real" suite ships only data.json (its models are downloads).
/// </summary>
internal sealed record OnnxTestCase(string Suite, string Name, string DirectoryPath)
{
    public const string DataRoot = "/usr/share/libonnx-testdata/data";

    public string Id => $"{Suite}/{Name}";

    /// <summary>The model's name in a model repository: unique across suites, URL-safe.</summary>
    public string ModelName => $"{Suite}.{Name}";

    public string ModelPath => Path.Combine(DirectoryPath, "model.onnx");

    public bool HasModel => File.Exists(ModelPath);

    public IReadOnlyList<OnnxTestDataSet> DataSets =>
    [
        .. Directory.EnumerateDirectories(DirectoryPath, "test_data_set_*")
            .OrderBy(d => Suffix(Path.GetFileName(d)))
            .Select(d => new OnnxTestDataSet(d, Files(d, "input_"), Files(d, "output_"))),
    ];

    /// <summary>Every test directory under the package's data root, in a stable order.</summary>
    public static IReadOnlyList<OnnxTestCase> Discover(string root = DataRoot)
    {
        if (!Directory.Exists(root))
        {
            throw new InvalidOperationException($"{root} is missing: apt-get install libonnx-testdata (scripts/test.sh does)");
        }

        return
        [
            .. Directory.EnumerateDirectories(root)
                .OrderBy(d => d, StringComparer.Ordinal)
                .SelectMany(suite => Directory.EnumerateDirectories(suite)
                    .OrderBy(d => d, StringComparer.Ordinal)
                    .Select(test => new OnnxTestCase(Path.GetFileName(suite), Path.GetFileName(test), test))),
        ];
    }

    private static IReadOnlyList<string> Files(string directory, string prefix) =>
    [
        .. Directory.EnumerateFiles(directory, prefix + "*.pb")
            .OrderBy(f => Suffix(Path.GetFileNameWithoutExtension(f))),
    ];

    private static int Suffix(string name) =>
        int.Parse(name[(name.LastIndexOf('_') + 1)..], CultureInfo.InvariantCulture);
}
