namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// One entry of a run's artifact listing, as the artifact browser shows it: a file with its size and download link,
/// or a directory. The run page builds the list from the artifact store and passes it to <see cref="ArtifactList"/>;
/// public because that component is generated public by Razor.
/// </summary>
public sealed record ArtifactEntry(string Path, bool IsDirectory, long? Size, string? DownloadHref);
