namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// One entry of a directory in the run page's artifact browser: a file with its size, or a directory.
/// <paramref name="BrowseHref"/> opens it on the run page (a directory's listing, a file's preview);
/// <paramref name="DownloadHref"/> is a file's download through the MLflow artifact proxy. Public because
/// <see cref="ArtifactList"/> is generated public by Razor.
/// </summary>
public sealed record ArtifactEntry(string Name, string Path, bool IsDirectory, long? Size, string BrowseHref, string? DownloadHref);
