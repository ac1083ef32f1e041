namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// The file selected in the artifact browser: its full <paramref name="Size"/>, how it is shown, and for text the
/// start of it (<paramref name="Truncated"/> when the file is longer than what is shown). Public because
/// <see cref="ArtifactList"/> is generated public by Razor.
/// </summary>
public sealed record ArtifactPreview(string Path, long Size, ArtifactPreviewKind Kind, string? Text, bool Truncated, string DownloadHref);
