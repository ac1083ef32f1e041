namespace Wharf.Server.Tracking;

/// <summary>Reads a ViewType as clients send it: its name (ACTIVE_ONLY, DELETED_ONLY, ALL) or enum number.</summary>
internal static class ViewTypes
{
    public static ViewType Parse(string? value, string name) => value?.ToUpperInvariant() switch
    {
        null or "" or "ACTIVE_ONLY" or "1" => ViewType.ActiveOnly,
        "DELETED_ONLY" or "2" => ViewType.DeletedOnly,
        "ALL" or "3" => ViewType.All,
        _ => throw MlflowException.Invalid($"Invalid value '{MlflowRequest.Clip(value)}' for parameter '{name}': use ACTIVE_ONLY, DELETED_ONLY or ALL."),
    };
}
