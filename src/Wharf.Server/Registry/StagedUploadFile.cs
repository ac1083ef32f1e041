namespace Wharf.Server.Registry;

/// <summary>A staged upload as the blob store holds it: its session id, bytes so far and when it was last written.</summary>
internal sealed record StagedUploadFile(Guid Id, long Length, DateTimeOffset LastWritten);
