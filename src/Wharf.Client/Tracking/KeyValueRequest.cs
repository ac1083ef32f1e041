namespace Wharf.Client.Tracking;

/// <summary>log-parameter and set-tag: a run id and one key and value.</summary>
internal sealed record KeyValueRequest(string RunId, string Key, string Value);
