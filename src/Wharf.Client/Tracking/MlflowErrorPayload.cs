namespace Wharf.Client.Tracking;

/// <summary>MLflow's error body, <c>{"error_code": "...", "message": "..."}</c>.</summary>
/// <param name="ErrorCode">MLflow's error code, such as <c>RESOURCE_DOES_NOT_EXIST</c>.</param>
/// <param name="Message">What went wrong.</param>
public sealed record MlflowErrorPayload(string? ErrorCode, string? Message);
