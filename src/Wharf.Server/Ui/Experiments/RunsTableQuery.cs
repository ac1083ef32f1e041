namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// What the runs table shows, as its URL says: a filter in MLflow's grammar, one sort column (<c>start_time</c>,
/// <c>run_name</c>, <c>status</c>, <c>metrics.&lt;key&gt;</c> or <c>params.&lt;key&gt;</c>), the chosen metric and param
/// columns, the page token of the search and the page size when the URL asks for one.
/// </summary>
internal sealed record RunsTableQuery(
    string? Filter, string? Sort, bool Descending, IReadOnlyList<string> Metrics, IReadOnlyList<string> Params, string? PageToken, int? PageSize = null)
{
    /// <summary>At most this many chosen columns of each kind; more would not fit a table anyway.</summary>
    public const int MaxColumns = 20;

    /// <summary>Comma-separated keys, trimmed, without blanks or repeats.</summary>
    public static IReadOnlyList<string> Keys(string? text) => string.IsNullOrWhiteSpace(text)
        ? []
        : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Take(MaxColumns)];

    /// <summary>The same table sorted by <paramref name="column"/>: flips the direction when it is already the sort, from the first page.</summary>
    public RunsTableQuery SortedBy(string column) => this with
    {
        Sort = column,
        Descending = Sort == column ? !Descending : column != "run_name",
        PageToken = null,
    };

    /// <summary>The search's order_by term: the column, its key quoted so that any logged key works.</summary>
    public string? OrderBy()
    {
        if (Sort is null)
        {
            return null;
        }

        var dot = Sort.IndexOf('.', StringComparison.Ordinal);
        var term = dot < 0 ? $"attributes.`{Sort}`" : $"{Sort[..dot]}.`{Sort[(dot + 1)..]}`";
        return term + (Descending ? " DESC" : " ASC");
    }
}
