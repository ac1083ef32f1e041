namespace Wharf.Cli.Commands;

/// <summary>
/// A plain-text table for the registry verbs: upper-case headers, columns padded to their widest cell and three
/// spaces apart, numbers aligned right. No borders, so the output stays easy to cut, grep and awk.
/// </summary>
internal sealed class RegistryTable(params string[] headers)
{
    private const string Gap = "   ";

    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    public RegistryTable AlignRight(params int[] columns)
    {
        _rightAligned.UnionWith(columns);
        return this;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row needs {headers.Length} cells, not {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public async Task WriteAsync(TextWriter output)
    {
        var widths = headers.Select((h, i) => _rows.Aggregate(h.Length, (w, row) => Math.Max(w, row[i].Length))).ToArray();
        await WriteRowAsync(output, headers, widths);
        foreach (var row in _rows)
        {
            await WriteRowAsync(output, row, widths);
        }
    }

    private Task WriteRowAsync(TextWriter output, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, i) => _rightAligned.Contains(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
        // Trailing spaces after the last column would only get in the way of scripts.
        return output.WriteLineAsync(string.Join(Gap, padded).TrimEnd());
    }
}
