namespace Wharf.Server.Ui.Layout;

/// <summary>An entry of the left navigation.</summary>
/// <param name="Title">The label, which is also the heading of the section's page.</param>
/// <param name="Path">The page's route.</param>
/// <param name="IconPath">SVG path data for a 24×24 stroked icon.</param>
internal sealed record UiSection(string Title, string Path, string IconPath);
