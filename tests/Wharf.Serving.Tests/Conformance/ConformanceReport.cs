using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// Counts and reasons of a conformance run, as text for the test output and for
/// <c>TestResults/&lt;name&gt;.txt</c> under the test binaries (the lead reads it after a run).
/// </summary>
internal sealed partial class ConformanceReport
{
    private readonly List<(OnnxTestCase Test, ConformanceOutcome Raw, ConformanceOutcome? Http)> _rows = [];

    public int JsonChecked { get; set; }

    public IReadOnlyList<(OnnxTestCase Test, ConformanceOutcome Raw, ConformanceOutcome? Http)> Rows => _rows;

    public void Add(OnnxTestCase test, ConformanceOutcome raw, ConformanceOutcome? http = null) => _rows.Add((test, raw, http));

    public int Count(ConformanceOutcomeKind kind) => _rows.Count(r => r.Raw.Kind == kind);

    public string Format(string title)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        text.AppendLine(CultureInfo.InvariantCulture, $"data        {OnnxTestCase.DataRoot} (Debian libonnx-testdata)");
        text.AppendLine(CultureInfo.InvariantCulture, $"total       {_rows.Count}");
        text.AppendLine(CultureInfo.InvariantCulture, $"pass raw    {Count(ConformanceOutcomeKind.Pass)}");
        if (_rows.Any(r => r.Http is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"pass HTTP   {_rows.Count(r => r.Http?.Kind == ConformanceOutcomeKind.Pass)} (binary tensor data; JSON also checked on {JsonChecked})");
            text.AppendLine(CultureInfo.InvariantCulture, $"fails HTTP only  {_rows.Count(r => r.Raw.Kind == ConformanceOutcomeKind.Pass && r.Http?.Kind != ConformanceOutcomeKind.Pass)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"fails raw   {Count(ConformanceOutcomeKind.FailsRaw)} (ONNX Runtime 1.31.1 itself)");
        text.AppendLine(CultureInfo.InvariantCulture, $"unsupported {Count(ConformanceOutcomeKind.UnsupportedByProtocol)} (not carried by the Open Inference Protocol)");
        text.AppendLine(CultureInfo.InvariantCulture, $"no model    {Count(ConformanceOutcomeKind.NoModel)} (the package ships data.json only)");
        text.AppendLine(CultureInfo.InvariantCulture, $"bad data    {Count(ConformanceOutcomeKind.BadTestData)} (harness could not read the .pb)");

        AppendGroups(text, "fails HTTP (raw passes), by reason", _rows.Where(r => r.Raw.Kind == ConformanceOutcomeKind.Pass && r.Http is { Kind: not ConformanceOutcomeKind.Pass })
            .Select(r => (r.Test, r.Http!.Reason)));
        foreach (var kind in new[] { ConformanceOutcomeKind.FailsRaw, ConformanceOutcomeKind.UnsupportedByProtocol, ConformanceOutcomeKind.BadTestData, ConformanceOutcomeKind.NoModel })
        {
            AppendGroups(text, $"{kind}, by reason", _rows.Where(r => r.Raw.Kind == kind).Select(r => (r.Test, r.Raw.Reason)));
        }

        text.AppendLine().AppendLine("every test (raw | HTTP):");
        foreach (var (test, raw, http) in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {test.Id}  {raw.Kind}{(http is null ? "" : " | " + http.Kind)}  {Flatten(http is { Kind: not ConformanceOutcomeKind.Pass } ? http.Reason : raw.Reason)}");
        }

        return text.ToString();
    }

    public string WriteFile(string fileName, string title)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, Format(title));
        return path;
    }

    private static void AppendGroups(StringBuilder text, string heading, IEnumerable<(OnnxTestCase Test, string Reason)> rows)
    {
        var groups = rows.GroupBy(r => GroupKey(r.Reason)).OrderByDescending(g => g.Count()).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        text.AppendLine().AppendLine(heading + ":");
        foreach (var group in groups)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),4}  {group.Key}");
            text.AppendLine(CultureInfo.InvariantCulture, $"        e.g. {group.First().Test.Id}: {Flatten(group.First().Reason)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"        {string.Join(", ", group.Select(r => r.Test.Name))}");
        }
    }

    // Reasons differ by node names, numbers and quoted values; the group is what remains.
    private static string GroupKey(string reason)
    {
        var key = Quoted().Replace(Flatten(reason), "'…'");
        key = Numbers().Replace(key, "N");
        return key.Length > 160 ? key[..160] + "…" : key;
    }

    private static string Flatten(string reason)
    {
        var flat = Whitespace().Replace(reason, " ").Trim();
        return flat.Length > 400 ? flat[..400] + "…" : flat;
    }

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
