using System.Text.Json;

namespace Wharf.Server.Registry;

/// <summary>
/// The distribution specification's error envelope, <c>{"errors":[{"code","message","detail"}]}</c>, with the status
/// of its code. Every failure under <c>/v2/</c> is answered with one of these (HEAD answers carry no body).
/// </summary>
internal sealed class RegistryErrorResult(RegistryErrorCode code, string? detail, IReadOnlyDictionary<string, string>? headers = null)
    : IResult, IStatusCodeHttpResult
{
    public RegistryErrorCode Code => code;

    public string? Detail => detail;

    public int? StatusCode => code.Status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = code.Status;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("errors");
        writer.WriteStartObject();
        writer.WriteString("code", code.Code);
        writer.WriteString("message", code.Message);
        if (detail is null)
        {
            writer.WriteNull("detail");
        }
        else
        {
            writer.WriteString("detail", detail);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
