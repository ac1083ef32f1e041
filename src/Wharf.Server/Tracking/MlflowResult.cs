using System.Text.Json;

namespace Wharf.Server.Tracking;

/// <summary>
/// An MLflow response body written straight to the response with a <see cref="Utf8JsonWriter"/>, so the shape follows
/// MLflow's protobuf JSON exactly: proto field names, int64 as numbers, unset fields and empty lists left out, and
/// doubles NaN/Infinity/-Infinity as strings.
/// </summary>
internal sealed class MlflowResult(int status, Action<Utf8JsonWriter> write) : IResult
{
    public static MlflowResult Empty { get; } = new(StatusCodes.Status200OK, _ => { });

    public static MlflowResult Ok(Action<Utf8JsonWriter> write) => new(StatusCodes.Status200OK, write);

    /// <summary>
    /// One page of a search: <paramref name="items"/> under <paramref name="name"/> (left out when empty, as MLflow
    /// does) and the <c>next_page_token</c> when there is more.
    /// </summary>
    public static MlflowResult Page<T>(string name, IReadOnlyList<T> items, string? nextPageToken, Action<Utf8JsonWriter, T> writeItem) => Ok(w =>
    {
        MlflowJson.ArrayIfAny(w, name, items, writeItem);
        if (nextPageToken is not null)
        {
            w.WriteString("next_page_token", nextPageToken);
        }
    });

    public static MlflowResult Error(string code, string message) => new(MlflowErrorCode.StatusOf(code), w =>
    {
        w.WriteString("error_code", code);
        w.WriteString("message", message);
    });

    public int StatusCode => status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        writer.WriteStartObject();
        write(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
