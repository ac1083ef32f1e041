namespace Wharf.Server.Registry;

internal static class RegistryResults
{
    public static IResult Error(RegistryErrorCode code, string? detail, IReadOnlyDictionary<string, string>? headers = null)
        => new RegistryErrorResult(code, detail, headers);

    /// <summary>An empty answer with a status and headers (Location, Range, digests...).</summary>
    public static IResult Status(int status, params (string Name, string Value)[] headers)
        => new StatusWithHeadersResult(status, headers);

    private sealed class StatusWithHeadersResult(int status, (string Name, string Value)[] headers) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }

            response.ContentLength = 0;
            return Task.CompletedTask;
        }
    }
}
