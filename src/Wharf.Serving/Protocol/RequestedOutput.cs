namespace Wharf.Serving.Protocol;

/// <summary>An output the response carries, as JSON data or as binary data after the JSON header.</summary>
internal sealed record RequestedOutput(string Name, bool Binary);
