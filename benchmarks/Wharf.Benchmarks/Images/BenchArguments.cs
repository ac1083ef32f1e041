using System.Globalization;

namespace Wharf.Benchmarks.Images;

/// <summary><c>--name value</c> pairs, with defaults and a clear error for an unknown or missing one.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public BenchArguments(IReadOnlyList<string> args, params string[] known)
    {
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i].TrimStart('-');
            if (!known.Contains(name, StringComparer.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"unknown or valueless argument '{args[i]}'; known: {string.Join(", ", known.Select(k => $"--{k}"))}");
            }

            _values[name] = args[i + 1];
        }
    }

    public string String(string name, string? fallback = null)
        => _values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback)
        => _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
