namespace Wharf.Serving.Protocol;

/// <summary>A request the protocol refuses; the endpoint answers <see cref="StatusCode"/> with <c>{"error": message}</c>.</summary>
internal sealed class ProtocolException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static ProtocolException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
