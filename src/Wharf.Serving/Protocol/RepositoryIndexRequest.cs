namespace Wharf.Serving.Protocol;

/// <summary>The optional body of <c>POST /v2/repository/index</c>: <c>{"ready": true}</c> lists READY versions only.</summary>
internal sealed record RepositoryIndexRequest(bool? Ready);
