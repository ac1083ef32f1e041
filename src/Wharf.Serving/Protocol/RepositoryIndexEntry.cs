namespace Wharf.Serving.Protocol;

/// <summary>One model version in <c>POST /v2/repository/index</c>; the reason only when there is one.</summary>
internal sealed record RepositoryIndexEntry(string Name, string Version, string State, string? Reason);
