namespace Wharf.Server.Ui.Layout;

/// <summary>An entry of the left navigation.</summary>
/// <param name="Title">The label, which is also the heading of the section's page.</param>
/// <param name="Path">The page's route.</param>
/// <param name="IconPath">SVG path data for a 24×24 stroked icon.</param>
/// <param name="Available">Whether the page is the real thing; false while it is a "not yet available" notice.</param>
internal sealed record UiSection(string Title, string Path, string IconPath, bool Available = false);
