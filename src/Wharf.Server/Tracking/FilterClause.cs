namespace Wharf.Server.Tracking;

/// <summary>
/// One comparison of a search filter: <c>&lt;entity&gt;.&lt;key&gt; &lt;comparator&gt; &lt;value&gt;</c>. Exactly one of
/// <see cref="Text"/>, <see cref="Number"/> and <see cref="List"/> is set, as the entity and comparator require.
/// Comparators are canonical: <c>= != &lt; &lt;= &gt; &gt;= LIKE ILIKE IN NOT IN</c>.
/// </summary>
internal sealed record FilterClause(SearchEntity Entity, string Key, string Comparator, string? Text, double? Number, IReadOnlyList<string>? List);
