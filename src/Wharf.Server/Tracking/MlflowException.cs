namespace Wharf.Server.Tracking;

/// <summary>
/// An expected refusal of an MLflow request (bad input, missing object, conflict). Thrown from deep in parsing or the
/// store and turned into <c>{"error_code","message"}</c> in one place, <see cref="MlflowErrorMiddleware"/>.
/// </summary>
internal sealed class MlflowException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    public static MlflowException Invalid(string message) => new(MlflowErrorCode.InvalidParameterValue, message);

    public static MlflowException NotFound(string message) => new(MlflowErrorCode.ResourceDoesNotExist, message);

    public static MlflowException Exists(string message) => new(MlflowErrorCode.ResourceAlreadyExists, message);

    public static MlflowException Denied(string message) => new(MlflowErrorCode.PermissionDenied, message);
}
