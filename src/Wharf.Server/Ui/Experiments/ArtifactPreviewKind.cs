namespace Wharf.Server.Ui.Experiments;

/// <summary>How the artifact browser shows a selected file.</summary>
public enum ArtifactPreviewKind
{
    /// <summary>Neither text nor an image: its size and a download link.</summary>
    None,

    /// <summary>The first <see cref="ArtifactPreviews.MaxTextBytes"/> bytes as text in a <c>&lt;pre&gt;</c>.</summary>
    Text,

    /// <summary>An <c>&lt;img&gt;</c> of the download, which never runs scripts (an SVG's included).</summary>
    Image,
}
