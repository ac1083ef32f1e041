namespace Wharf.Server.Ui.Settings;

/// <summary>The addresses of the settings pages.</summary>
internal static class SettingsLinks
{
    public const string Projects = "/settings";
    public const string Tokens = "/settings/tokens";
    public const string Audit = "/settings/audit";

    public static string Project(string name) => "/settings/projects/" + Uri.EscapeDataString(name);
}
