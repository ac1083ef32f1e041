namespace Wharf.Client.Tracking;

internal sealed record ArtifactListResponse
{
    public IReadOnlyList<ArtifactFile> Files { get => field ?? []; init; }
}
