using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>A fully read registry response: status, headers and body, with a readable summary for failure messages.</summary>
public sealed class RegistryResponse
{
    public RegistryResponse(HttpMethod method, Uri uri, HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, byte[] body)
    {
        Method = method;
        Uri = uri;
        Status = status;
        Headers = headers;
        ContentHeaders = contentHeaders;
        Body = body;
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public HttpStatusCode Status { get; }

    public HttpResponseHeaders Headers { get; }

    public HttpContentHeaders ContentHeaders { get; }

    public byte[] Body { get; }

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public string? Location => Header("Location");

    public string? ContentDigest => Header("Docker-Content-Digest");

    public string? ContentType => ContentHeaders.ContentType?.MediaType;

    public long? ContentLength => ContentHeaders.ContentLength;

    /// <summary>A header from either the response or the content headers, values joined by commas; null when absent.</summary>
    public string? Header(string name) =>
        Headers.NonValidated.TryGetValues(name, out var values) || ContentHeaders.NonValidated.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    public T Json<T>() => JsonSerializer.Deserialize<T>(Body) ?? throw new InvalidOperationException($"{this}: body is JSON null");

    /// <summary>The error codes of the OCI error envelope, or null when the body is not one.</summary>
    public IReadOnlyList<OciError>? Errors()
    {
        try
        {
            return JsonSerializer.Deserialize<OciErrorEnvelope>(Body)?.Errors;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString()
    {
        var body = Body.Length == 0 ? "(no body)" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 400));
        return $"{Method} {Uri.PathAndQuery} -> {(int)Status} {Status}; Location: {Location ?? "-"}; Range: {Header("Range") ?? "-"}; body: {body}";
    }
}
