using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// The MLflow REST API over a socket, as the Python client speaks it: a bearer token (<c>MLFLOW_TRACKING_TOKEN</c>),
/// JSON bodies for POST, query strings for GET, raw bytes PUT to the artifact proxy. Any answer but 200 fails the test
/// with the server's error body.
/// </summary>
internal sealed class MlflowRestClient : IDisposable
{
    private const string Prefix = "api/2.0/mlflow/";
    private const string ArtifactProxy = "api/2.0/mlflow-artifacts/artifacts/";
    private const string ProxyScheme = "mlflow-artifacts:/";

    private readonly HttpClient _http;

    public MlflowRestClient(Uri baseUrl, string token)
    {
        _http = new HttpClient { BaseAddress = baseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Prefix + path, content);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(Prefix + pathAndQuery);
        return await ReadAsync(response);
    }

    /// <summary>
    /// Uploads one file under a run's artifact root as the Python client's <c>log_artifact</c> does when the root is
    /// proxied: <c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c> becomes a PUT under the proxy route.
    /// </summary>
    public async Task PutArtifactAsync(string artifactUri, string path, byte[] content)
    {
        if (!artifactUri.StartsWith(ProxyScheme, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the run's artifact_uri '{artifactUri}' is not proxied ({ProxyScheme})");
        }

        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PutAsync($"{ArtifactProxy}{artifactUri[ProxyScheme.Length..].TrimStart('/')}/{path}", body);
        await ReadAsync(response);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
