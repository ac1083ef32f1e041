namespace Wharf.Server.Tracking;

/// <summary>One <c>order_by</c> term: <c>metrics.acc DESC</c>, <c>attributes.start_time</c>, <c>params.lr ASC</c>.</summary>
internal sealed record OrderByClause(SearchEntity Entity, string Key, bool Ascending);
