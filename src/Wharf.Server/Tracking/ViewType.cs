namespace Wharf.Server.Tracking;

/// <summary>MLflow's ViewType: which lifecycle stages a search returns.</summary>
internal enum ViewType
{
    ActiveOnly = 1,
    DeletedOnly = 2,
    All = 3,
}
