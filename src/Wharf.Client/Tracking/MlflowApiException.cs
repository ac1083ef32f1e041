using System.Net;

namespace Wharf.Client.Tracking;

/// <summary>An MLflow route refused a request with <c>{"error_code", "message"}</c>.</summary>
public sealed class MlflowApiException : WharfApiException
{
    /// <summary>Creates the exception from the status code and MLflow's error body.</summary>
    public MlflowApiException(HttpStatusCode statusCode, string errorCode, string? message)
        : base(statusCode, $"server answered {(int)statusCode} {errorCode}: {message ?? statusCode.ToString()}")
    {
        ErrorCode = errorCode;
        ErrorMessage = message;
    }

    /// <summary>MLflow's error code: <c>RESOURCE_DOES_NOT_EXIST</c>, <c>INVALID_PARAMETER_VALUE</c>, <c>PERMISSION_DENIED</c>, ...</summary>
    public string ErrorCode { get; }

    /// <summary>The server's message, as it sent it.</summary>
    public string? ErrorMessage { get; }
}
