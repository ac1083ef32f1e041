namespace Wharf.Server.Tracking;

/// <summary>MLflow's error codes (databricks.proto ErrorCode) that this surface answers with, and their HTTP statuses.</summary>
internal static class MlflowErrorCode
{
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    public const string BadRequest = "BAD_REQUEST";
    public const string PermissionDenied = "PERMISSION_DENIED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";

    public static int StatusOf(string code) => code switch
    {
        ResourceDoesNotExist => StatusCodes.Status404NotFound,
        PermissionDenied => StatusCodes.Status403Forbidden,
        InternalError => StatusCodes.Status500InternalServerError,
        TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };
}
