namespace Wharf.Server.Models;

/// <summary>MLflow's legacy model stages, canonical spelling; accepted case-insensitively.</summary>
internal static class ModelStages
{
    public const string None = "None";
    public const string Staging = "Staging";
    public const string Production = "Production";
    public const string Archived = "Archived";

    public static readonly string[] All = [None, Staging, Production, Archived];

    public static string? Canonical(string? stage) =>
        All.FirstOrDefault(s => string.Equals(s, stage, StringComparison.OrdinalIgnoreCase));
}
