using System.Net;

namespace Wharf.Client;

/// <summary>
/// The server answered with an error status; <see cref="Problem"/> holds its problem details when it sent them.
/// Errors of the MLflow routes arrive as the subclass <see cref="Tracking.MlflowApiException"/>.
/// </summary>
public class WharfApiException : Exception
{
    /// <summary>Creates the exception from a status code and the server's problem details.</summary>
    public WharfApiException(HttpStatusCode statusCode, ProblemDetailsPayload? problem)
        : base(Describe(statusCode, problem))
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>Creates the exception for an error body other than problem details.</summary>
    protected WharfApiException(HttpStatusCode statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details the server sent, if any.</summary>
    public ProblemDetailsPayload? Problem { get; }

    private static string Describe(HttpStatusCode statusCode, ProblemDetailsPayload? problem)
    {
        var what = problem?.Detail ?? problem?.Title ?? statusCode.ToString();
        return $"server answered {(int)statusCode}: {what}";
    }
}
