using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Wharf.Server.Tracking;

/// <summary>
/// An MLflow request's fields, read leniently the way MLflow's server reads what the Python client sends: the JSON
/// body of a POST/PATCH/DELETE or the query string of a GET; numbers as JSON numbers or strings; booleans as JSON
/// booleans or strings. Parsed once per request and kept on the <see cref="HttpContext"/>, so the access locator and
/// the handler share one parse (and the body is read once).
/// </summary>
internal sealed class MlflowRequest
{
    /// <summary>Larger than any valid request: log-batch is limited to 1,000 items of bounded size.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    private readonly JsonElement _body;
    private readonly IQueryCollection? _query;

    private MlflowRequest(JsonElement body, IQueryCollection? query)
    {
        _body = body;
        _query = query;
    }

    /// <summary>The request's fields; throws <see cref="MlflowException"/> for a body that is not a JSON object.</summary>
    public static async ValueTask<MlflowRequest> ReadAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        if (context.Features.Get<MlflowRequest>() is { } parsed)
        {
            return parsed;
        }

        if (context.Features.Get<Failure>() is { } failure)
        {
            throw failure.Exception;
        }

        try
        {
            var request = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? new MlflowRequest(default, context.Request.Query)
                : await ReadBodyAsync(context.Request, cancellationToken);
            context.Features.Set(request);
            return request;
        }
        catch (MlflowException ex)
        {
            // The body is consumed: a second reader (the handler after the locator) gets the same answer.
            context.Features.Set(new Failure(ex));
            throw;
        }
    }

    private sealed record Failure(MlflowException Exception);

    /// <summary>The size of the request's JSON body in bytes (0 for a GET).</summary>
    public long BodyLength { get; private init; }

    private static async Task<MlflowRequest> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw MlflowException.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw MlflowException.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return new MlflowRequest(default, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new MlflowRequest(document.RootElement.Clone(), null) { BodyLength = buffer.Length }
                : throw MlflowException.Invalid("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new MlflowException(MlflowErrorCode.BadRequest, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>A run id as the client names it: <c>run_id</c>, or the deprecated <c>run_uuid</c>.</summary>
    public string? RunId => String("run_id") ?? String("run_uuid");

    public string RequireRunId() => RunId ?? throw Missing("run_id");

    public string? String(string name)
    {
        if (_query is not null)
        {
            return _query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
        }

        return _body.ValueKind == JsonValueKind.Object && _body.TryGetProperty(name, out var value) ? Text(value, name) : null;
    }

    public string RequireString(string name) => String(name) is { Length: > 0 } value ? value : throw Missing(name);

    public long? Long(string name) => ParseLong(String(name), name);

    public int? Int(string name)
    {
        var value = Long(name);
        return value is null ? null
            : value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw MlflowException.Invalid($"Parameter '{name}' is out of range: {value}.");
    }

    /// <summary>A repeated string field: a JSON array in a body, repeated parameters in a query string.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (_query is not null)
        {
            return _query.TryGetValue(name, out StringValues values) ? [.. values.Where(v => v is not null).Select(v => v!)] : [];
        }

        if (_body.ValueKind != JsonValueKind.Object || !_body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(e => Text(e, name) ?? throw MlflowException.Invalid($"Parameter '{name}' must not contain null."))]
            : [Text(value, name)!];
    }

    /// <summary>A repeated message field of a body (<c>metrics</c>, <c>params</c>, <c>tags</c>).</summary>
    public IReadOnlyList<JsonElement> Objects(string name)
    {
        if (_query is not null || _body.ValueKind != JsonValueKind.Object || !_body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            throw MlflowException.Invalid($"Parameter '{name}' must be a list of objects.");
        }

        return [.. value.EnumerateArray()];
    }

    public static MlflowException Missing(string name) =>
        MlflowException.Invalid($"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");

    /// <summary>A scalar as text: strings as they are, numbers and booleans as written.</summary>
    public static string? Text(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw MlflowException.Invalid($"Parameter '{name}' must be a scalar value, not {value.ValueKind.ToString().ToLowerInvariant()}."),
    };

    /// <summary>Field <paramref name="name"/> of a nested message, as text.</summary>
    public static string? Field(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) ? Text(value, name) : null;

    public static long? ParseLong(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // The Python client sends ints, but a float with an integral value (1e3, 5.0) is the same number.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15
            ? (long)d
            : throw MlflowException.Invalid($"Parameter '{name}' must be an integer, got '{Clip(text)}'.");
    }

    /// <summary>A double as MLflow's JSON carries it: a number, or a string such as "NaN", "Infinity", "-Infinity".</summary>
    public static double ParseDouble(string? text, string name)
    {
        if (text is null)
        {
            throw Missing(name);
        }

        switch (text)
        {
            case "NaN" or "nan":
                return double.NaN;
            case "Infinity" or "inf" or "Inf":
                return double.PositiveInfinity;
            case "-Infinity" or "-inf" or "-Inf":
                return double.NegativeInfinity;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw MlflowException.Invalid($"Parameter '{name}' must be a number, got '{Clip(text)}'.");
    }

    public static string Clip(string text) => text.Length <= 100 ? text : text[..100] + "...";
}
