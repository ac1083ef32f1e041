namespace Wharf.Server.Ui.Layout;

/// <summary>
/// The sections of the left navigation, in workflow order. The navigation and the tests that walk it both read
/// this list, so a new section cannot be forgotten by either.
/// </summary>
internal static class UiSections
{
    public static UiSection Overview { get; } = new("Overview", "/", "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z");

    /// <summary>The platform's capabilities; each has a page at its path.</summary>
    public static IReadOnlyList<UiSection> Capabilities { get; } =
    [
        new("Experiments", "/experiments", "M9 3h6M10 3v6l-5.5 9.5A1.7 1.7 0 0 0 6 21h12a1.7 1.7 0 0 0 1.5-2.5L14 9V3M7.2 15h9.6", Available: true),
        new("Models", "/models", "M12 3l8 4.5v9L12 21l-8-4.5v-9zM4 7.5l8 4.5 8-4.5M12 12v9", Available: true),
        new("Registry", "/registry", "M3 7h18v4H3zM5 11v9h14v-9M10 15h4", Available: true),
        new("Jobs", "/jobs", "M4 5h16v14H4zM8 10l3 2-3 2M13 15h3"),
        new("Deployments", "/deployments", "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01"),
        new("Monitoring", "/monitoring", "M3 12h4l3-8 4 16 3-8h4"),
        new("Settings", "/settings", "M4 6h9M17 6h3M15 4v4M4 12h3M11 12h9M9 10v4M4 18h11M19 18h1M17 16v4", Available: true),
    ];
}
