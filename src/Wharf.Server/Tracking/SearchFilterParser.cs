using System.Globalization;
using System.Text;

namespace Wharf.Server.Tracking;

/// <summary>
/// MLflow's search grammar, parsed into clauses that the store turns into parameterised SQL; no part of a filter is
/// ever spliced into SQL text, and anything outside the grammar is refused with INVALID_PARAMETER_VALUE.
/// <code>
/// filter     := clause ( AND clause )*
/// clause     := identifier comparator value
/// identifier := [ entity "." ] key          entity: metric(s) | param(s) | parameter(s) | tag(s) | attribute(s) | attr | run
/// key        := plain | `quoted` | "quoted"
/// comparator := = | != | &lt; | &lt;= | &gt; | &gt;= | LIKE | ILIKE | IN | NOT IN
/// value      := 'string' | "string" | number | ( value [, value]* )
/// order_by   := identifier [ ASC | DESC ]
/// </code>
/// An identifier without an entity is an attribute. OR, parentheses around clauses and anything after a complete
/// clause other than AND are errors, as in MLflow.
/// </summary>
internal static class SearchFilterParser
{
    public const int MaxFilterLength = 10_000;
    public const int MaxClauses = 100;

    private static readonly string[] NumericComparators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] StringComparators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];

    /// <summary>The run attributes a filter or order may name, and whether they are numeric.</summary>
    private static readonly Dictionary<string, bool> RunAttributes = new(StringComparer.Ordinal)
    {
        ["run_id"] = false,
        ["run_name"] = false,
        ["status"] = false,
        ["user_id"] = false,
        ["artifact_uri"] = false,
        ["lifecycle_stage"] = false,
        ["start_time"] = true,
        ["end_time"] = true,
    };

    private static readonly Dictionary<string, bool> ExperimentAttributes = new(StringComparer.Ordinal)
    {
        ["name"] = false,
        ["experiment_id"] = true,
        ["creation_time"] = true,
        ["last_update_time"] = true,
    };

    public static IReadOnlyList<FilterClause> ParseRunFilter(string? filter) => ParseFilter(filter, forRuns: true);

    public static IReadOnlyList<FilterClause> ParseExperimentFilter(string? filter) => ParseFilter(filter, forRuns: false);

    public static IReadOnlyList<OrderByClause> ParseRunOrderBy(IReadOnlyList<string> orderBy) => ParseOrderBy(orderBy, forRuns: true);

    public static IReadOnlyList<OrderByClause> ParseExperimentOrderBy(IReadOnlyList<string> orderBy) => ParseOrderBy(orderBy, forRuns: false);

    private static List<FilterClause> ParseFilter(string? filter, bool forRuns)
    {
        var clauses = new List<FilterClause>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return clauses;
        }

        if (filter.Length > MaxFilterLength)
        {
            throw MlflowException.Invalid($"The filter is longer than {MaxFilterLength} characters.");
        }

        var scanner = new Scanner(filter);
        while (true)
        {
            clauses.Add(ParseClause(scanner, forRuns));
            if (clauses.Count > MaxClauses)
            {
                throw MlflowException.Invalid($"The filter has more than {MaxClauses} clauses.");
            }

            scanner.SkipSpace();
            if (scanner.AtEnd)
            {
                return clauses;
            }

            var word = scanner.ReadWord();
            if (!string.Equals(word, "AND", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(filter, string.Equals(word, "OR", StringComparison.OrdinalIgnoreCase)
                    ? "only AND joins clauses; OR is not supported"
                    : $"expected AND or the end of the filter at position {scanner.Position}, found '{Show(word, scanner)}'");
            }
        }
    }

    private static FilterClause ParseClause(Scanner scanner, bool forRuns)
    {
        var (entity, key) = ParseIdentifier(scanner, forRuns);
        var comparator = ParseComparator(scanner);
        var numeric = IsNumeric(entity, key, forRuns);
        var allowed = numeric ? NumericComparators : StringComparators;
        if (!allowed.Contains(comparator, StringComparer.Ordinal) || (entity == SearchEntity.Attribute && key == "run_id" && comparator is "LIKE" or "ILIKE"))
        {
            throw Invalid(scanner.Text, $"'{comparator}' is not a valid comparator for {Describe(entity, key)}; use one of {string.Join(", ", allowed)}");
        }

        scanner.SkipSpace();
        if (comparator is "IN" or "NOT IN")
        {
            return new FilterClause(entity, key, comparator, null, null, ParseList(scanner));
        }

        if (numeric)
        {
            var text = scanner.ReadNumber() ?? throw Invalid(scanner.Text, $"{Describe(entity, key)} must be compared with a number at position {scanner.Position}");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                throw Invalid(scanner.Text, $"'{text}' is not a number");
            }

            return new FilterClause(entity, key, comparator, null, number, null);
        }

        var value = scanner.ReadQuoted() ?? throw Invalid(scanner.Text, $"{Describe(entity, key)} must be compared with a quoted string ('value') at position {scanner.Position}");
        return new FilterClause(entity, key, comparator, value, null, null);
    }

    private static List<string> ParseList(Scanner scanner)
    {
        if (!scanner.TryRead('('))
        {
            throw Invalid(scanner.Text, $"IN needs a parenthesised list of quoted strings at position {scanner.Position}");
        }

        var values = new List<string>();
        while (true)
        {
            scanner.SkipSpace();
            values.Add(scanner.ReadQuoted() ?? throw Invalid(scanner.Text, $"IN lists hold quoted strings; position {scanner.Position}"));
            scanner.SkipSpace();
            if (scanner.TryRead(')'))
            {
                return values;
            }

            if (!scanner.TryRead(','))
            {
                throw Invalid(scanner.Text, $"expected ',' or ')' in the IN list at position {scanner.Position}");
            }
        }
    }

    private static string ParseComparator(Scanner scanner)
    {
        scanner.SkipSpace();
        if (scanner.TryReadOperator() is { } op)
        {
            return op;
        }

        var word = scanner.ReadWord().ToUpperInvariant();
        switch (word)
        {
            case "LIKE" or "ILIKE" or "IN":
                return word;
            case "NOT":
                scanner.SkipSpace();
                if (string.Equals(scanner.ReadWord(), "IN", StringComparison.OrdinalIgnoreCase))
                {
                    return "NOT IN";
                }

                break;
        }

        throw Invalid(scanner.Text, $"expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) at position {scanner.Position}");
    }

    private static (SearchEntity Entity, string Key) ParseIdentifier(Scanner scanner, bool forRuns)
    {
        scanner.SkipSpace();
        if (scanner.AtEnd)
        {
            throw Invalid(scanner.Text, "a clause is missing (the filter ends after AND)");
        }

        // A whole quoted identifier (an attribute with a space in MLflow's UI syntax) is not supported; a quoted key is.
        var start = scanner.Position;
        var word = scanner.ReadIdentifierWord();
        string? key;
        SearchEntity entity;
        var dot = word.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 && scanner.TryRead('.'))
        {
            // entity.`quoted key` or entity."quoted key"
            entity = EntityOf(word, scanner);
            key = scanner.ReadQuoted(allowBacktick: true) ?? throw Invalid(scanner.Text, $"expected a key after '{word}.' at position {scanner.Position}");
        }
        else if (dot < 0)
        {
            if (word.Length == 0)
            {
                throw Invalid(scanner.Text, $"expected an identifier such as metrics.accuracy at position {start}");
            }

            entity = SearchEntity.Attribute;
            key = word;
        }
        else
        {
            entity = EntityOf(word[..dot], scanner);
            key = word[(dot + 1)..];
            if (key.Length == 0)
            {
                key = scanner.ReadQuoted(allowBacktick: true) ?? throw Invalid(scanner.Text, $"expected a key after '{word}' at position {scanner.Position}");
            }
        }

        if (key.Length == 0)
        {
            throw Invalid(scanner.Text, $"empty key at position {start}");
        }

        if (entity == SearchEntity.Attribute)
        {
            key = NormalizeAttribute(key, forRuns) ?? throw Invalid(scanner.Text,
                $"'{key}' is not a searchable attribute; use one of {string.Join(", ", (forRuns ? RunAttributes : ExperimentAttributes).Keys)}");
        }
        else if (!forRuns && entity != SearchEntity.Tag)
        {
            throw Invalid(scanner.Text, "experiments are searched by name, creation_time, last_update_time and tags only");
        }

        return (entity, key);
    }

    private static SearchEntity EntityOf(string word, Scanner scanner) => word.ToLowerInvariant() switch
    {
        "metric" or "metrics" => SearchEntity.Metric,
        "param" or "params" or "parameter" or "parameters" => SearchEntity.Param,
        "tag" or "tags" => SearchEntity.Tag,
        "attribute" or "attributes" or "attr" or "run" => SearchEntity.Attribute,
        _ => throw Invalid(scanner.Text, $"'{word}' is not an entity: use metrics, params, tags or attributes"),
    };

    private static string? NormalizeAttribute(string key, bool forRuns)
    {
        var normalized = key switch
        {
            "created" or "Created" when forRuns => "start_time",
            "run_uuid" or "id" when forRuns => "run_id",
            "runName" when forRuns => "run_name",
            _ => key,
        };
        return (forRuns ? RunAttributes : ExperimentAttributes).ContainsKey(normalized) ? normalized : null;
    }

    private static bool IsNumeric(SearchEntity entity, string key, bool forRuns) => entity switch
    {
        SearchEntity.Metric => true,
        SearchEntity.Attribute => (forRuns ? RunAttributes : ExperimentAttributes)[key],
        _ => false,
    };

    private static List<OrderByClause> ParseOrderBy(IReadOnlyList<string> orderBy, bool forRuns)
    {
        var clauses = new List<OrderByClause>();
        foreach (var term in orderBy)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                continue;
            }

            if (term.Length > 1000 || clauses.Count >= 20)
            {
                throw MlflowException.Invalid("order_by takes at most 20 terms of at most 1000 characters.");
            }

            var scanner = new Scanner(term);
            var (entity, key) = ParseIdentifier(scanner, forRuns);
            scanner.SkipSpace();
            var ascending = true;
            if (!scanner.AtEnd)
            {
                var direction = scanner.ReadWord();
                ascending = direction.ToUpperInvariant() switch
                {
                    "ASC" => true,
                    "DESC" => false,
                    _ => throw MlflowException.Invalid($"Invalid order_by clause '{MlflowRequest.Clip(term)}': the direction must be ASC or DESC."),
                };
                scanner.SkipSpace();
                if (!scanner.AtEnd)
                {
                    throw MlflowException.Invalid($"Invalid order_by clause '{MlflowRequest.Clip(term)}': unexpected text after the direction.");
                }
            }

            if (forRuns && entity == SearchEntity.Attribute && key == "lifecycle_stage")
            {
                throw MlflowException.Invalid("Invalid order_by clause: runs cannot be ordered by lifecycle_stage.");
            }

            clauses.Add(new OrderByClause(entity, key, ascending));
        }

        return clauses;
    }

    private static MlflowException Invalid(string filter, string why) =>
        MlflowException.Invalid($"Invalid search expression '{MlflowRequest.Clip(filter)}': {why}.");

    private static string Show(string word, Scanner scanner) => word.Length > 0 ? word : scanner.Peek().ToString();

    private static string Describe(SearchEntity entity, string key) => entity switch
    {
        SearchEntity.Metric => $"metric '{key}'",
        SearchEntity.Param => $"param '{key}'",
        SearchEntity.Tag => $"tag '{key}'",
        _ => $"attribute '{key}'",
    };

    private sealed class Scanner(string text)
    {
        public string Text { get; } = text;

        public int Position { get; private set; }

        public bool AtEnd => Position >= Text.Length;

        public char Peek() => AtEnd ? '\0' : Text[Position];

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(Text[Position]))
            {
                Position++;
            }
        }

        public bool TryRead(char c)
        {
            if (Peek() != c)
            {
                return false;
            }

            Position++;
            return true;
        }

        /// <summary>Letters, digits and <c>_</c>: a keyword.</summary>
        public string ReadWord()
        {
            var start = Position;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Text[Position]) || Text[Position] == '_'))
            {
                Position++;
            }

            return Text[start..Position];
        }

        /// <summary>An unquoted identifier: letters, digits and <c>_ - . / :</c>.</summary>
        public string ReadIdentifierWord()
        {
            var start = Position;
            while (!AtEnd && (char.IsLetterOrDigit(Text[Position]) || Text[Position] is '_' or '-' or '.' or '/' or ':'))
            {
                // A dot directly followed by a quote ends the entity: metrics.`my key`.
                if (Text[Position] == '.' && Position + 1 < Text.Length && Text[Position + 1] is '`' or '"')
                {
                    break;
                }

                Position++;
            }

            return Text[start..Position];
        }

        public string? TryReadOperator()
        {
            foreach (var op in (string[])["!=", "<=", ">=", "=", "<", ">"])
            {
                if (string.CompareOrdinal(Text, Position, op, 0, op.Length) == 0)
                {
                    Position += op.Length;
                    return op;
                }
            }

            return null;
        }

        public string? ReadNumber()
        {
            var start = Position;
            if (Peek() is '-' or '+')
            {
                Position++;
            }

            while (!AtEnd && (char.IsAsciiDigit(Text[Position]) || Text[Position] is '.' or 'e' or 'E'
                || (Text[Position] is '-' or '+' && Text[Position - 1] is 'e' or 'E')))
            {
                Position++;
            }

            if (Position == start || !char.IsAsciiDigit(Text[Position - 1]))
            {
                Position = start;
                return null;
            }

            return Text[start..Position];
        }

        /// <summary>A string in single or double quotes (or backticks for keys); a doubled quote stands for itself.</summary>
        public string? ReadQuoted(bool allowBacktick = false)
        {
            var quote = Peek();
            if (quote is not ('\'' or '"') && !(allowBacktick && quote == '`'))
            {
                return null;
            }

            var builder = new StringBuilder();
            var start = Position;
            Position++;
            while (!AtEnd)
            {
                var c = Text[Position++];
                if (c != quote)
                {
                    builder.Append(c);
                    continue;
                }

                if (Peek() == quote)
                {
                    builder.Append(quote);
                    Position++;
                    continue;
                }

                return builder.ToString();
            }

            throw Invalid(Text, $"the string starting at position {start} is not closed");
        }
    }
}
