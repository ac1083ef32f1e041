using System.Text;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The filter grammar of MLflow's registered-models/search and model-versions/search: comparisons joined by
/// <c>AND</c>, each <c>&lt;key&gt; &lt;op&gt; &lt;value&gt;</c> where key is <c>name</c>, <c>run_id</c> (versions),
/// <c>source_path</c> (versions) or <c>tags.&lt;key&gt;</c> (also back-quoted), op is <c>= != LIKE ILIKE IN</c>, and a
/// value a quoted string or, for IN, a parenthesized list of them.
/// </summary>
internal static class ModelFilter
{
    public const int MaxLength = 10_000;

    /// <summary>One comparison; <see cref="Key"/> is the attribute, or the tag key when <see cref="IsTag"/>.</summary>
    public sealed record Clause(bool IsTag, string Key, string Comparator, IReadOnlyList<string> Values);

    public static IReadOnlyList<Clause> Parse(string? filter, bool versions)
    {
        var clauses = new List<Clause>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return clauses;
        }

        if (filter.Length > MaxLength)
        {
            throw MlflowException.Invalid($"The filter is longer than {MaxLength} characters.");
        }

        var i = 0;
        while (true)
        {
            SkipSpace(filter, ref i);
            var (isTag, key) = ReadKey(filter, ref i, versions);
            SkipSpace(filter, ref i);
            var comparator = ReadComparator(filter, ref i);
            SkipSpace(filter, ref i);
            IReadOnlyList<string> values;
            if (comparator == "IN")
            {
                values = ReadList(filter, ref i);
            }
            else
            {
                values = [ReadString(filter, ref i)];
            }

            clauses.Add(new Clause(isTag, key, comparator, values));
            SkipSpace(filter, ref i);
            if (i >= filter.Length)
            {
                return clauses;
            }

            if (i + 3 <= filter.Length && filter.AsSpan(i, 3).Equals("AND", StringComparison.OrdinalIgnoreCase) && (i + 3 == filter.Length || char.IsWhiteSpace(filter[i + 3])))
            {
                i += 3;
                continue;
            }

            throw Invalid(filter, $"expected AND at position {i}");
        }
    }

    private static (bool IsTag, string Key) ReadKey(string filter, ref int i, bool versions)
    {
        var start = i;
        while (i < filter.Length && (char.IsAsciiLetterOrDigit(filter[i]) || filter[i] is '_' or '.'))
        {
            i++;
        }

        var word = filter[start..i];
        if (word.StartsWith("tags.", StringComparison.Ordinal) || word == "tags" && i < filter.Length && filter[i] == '.')
        {
            if (word == "tags")
            {
                i++;
            }

            if (word.Length > 5)
            {
                return (true, word[5..]);
            }

            if (i < filter.Length && filter[i] == '`')
            {
                var end = filter.IndexOf('`', i + 1);
                if (end < 0)
                {
                    throw Invalid(filter, "unterminated back-quoted tag key");
                }

                var key = filter[(i + 1)..end];
                i = end + 1;
                return (true, key);
            }

            throw Invalid(filter, "expected a tag key after 'tags.'");
        }

        var attribute = word.StartsWith("attributes.", StringComparison.Ordinal) ? word["attributes.".Length..] : word;
        return attribute switch
        {
            "name" => (false, "name"),
            "run_id" or "source_path" when versions => (false, attribute),
            _ => throw Invalid(filter, $"invalid attribute key '{MlflowRequest.Clip(word)}'; use name{(versions ? ", run_id, source_path" : "")} or tags.<key>"),
        };
    }

    private static string ReadComparator(string filter, ref int i)
    {
        foreach (var op in new[] { "!=", "=", "ILIKE", "LIKE", "IN" })
        {
            if (i + op.Length <= filter.Length && filter.AsSpan(i, op.Length).Equals(op, StringComparison.OrdinalIgnoreCase))
            {
                i += op.Length;
                return op;
            }
        }

        throw Invalid(filter, $"expected a comparator (=, !=, LIKE, ILIKE, IN) at position {i}");
    }

    private static string ReadString(string filter, ref int i)
    {
        if (i >= filter.Length || filter[i] is not ('\'' or '"'))
        {
            throw Invalid(filter, $"expected a quoted string at position {i}");
        }

        var quote = filter[i];
        var builder = new StringBuilder();
        for (i++; i < filter.Length; i++)
        {
            if (filter[i] == quote)
            {
                if (i + 1 < filter.Length && filter[i + 1] == quote)
                {
                    builder.Append(quote);
                    i++;
                    continue;
                }

                i++;
                return builder.ToString();
            }

            builder.Append(filter[i]);
        }

        throw Invalid(filter, "unterminated string");
    }

    private static List<string> ReadList(string filter, ref int i)
    {
        if (i >= filter.Length || filter[i] != '(')
        {
            throw Invalid(filter, "IN needs a parenthesized list of strings");
        }

        i++;
        var values = new List<string>();
        while (true)
        {
            SkipSpace(filter, ref i);
            values.Add(ReadString(filter, ref i));
            SkipSpace(filter, ref i);
            if (i < filter.Length && filter[i] == ',')
            {
                i++;
                continue;
            }

            if (i < filter.Length && filter[i] == ')')
            {
                i++;
                return values;
            }

            throw Invalid(filter, "unterminated IN list");
        }
    }

    private static void SkipSpace(string filter, ref int i)
    {
        while (i < filter.Length && char.IsWhiteSpace(filter[i]))
        {
            i++;
        }
    }

    private static MlflowException Invalid(string filter, string problem) =>
        MlflowException.Invalid($"Invalid filter '{MlflowRequest.Clip(filter)}': {problem}.");
}
