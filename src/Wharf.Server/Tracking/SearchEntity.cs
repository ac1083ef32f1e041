namespace Wharf.Server.Tracking;

/// <summary>What a search filter or order-by clause names: a metric, param, tag or attribute of a run or experiment.</summary>
internal enum SearchEntity
{
    Metric,
    Param,
    Tag,
    Attribute,
}
