namespace Wharf.Client.Tracking;

/// <summary>Which experiments or runs a search returns by lifecycle stage.</summary>
public enum ViewType
{
    /// <summary>Only active ones (the default).</summary>
    ActiveOnly,

    /// <summary>Only deleted ones.</summary>
    DeletedOnly,

    /// <summary>Active and deleted ones.</summary>
    All,
}
