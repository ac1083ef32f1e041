using System.Net;
using System.Text.Json;

namespace Wharf.Server.Tests.Tracking;

/// <summary>An MLflow response: status, body and content type, with assertions for success and the error envelope.</summary>
internal sealed record MlflowResponse(HttpStatusCode Status, string Body, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public static async Task<MlflowResponse> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);

    public JsonElement Ok()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Body}");
        return Json;
    }

    /// <summary>Asserts MLflow's error envelope with <paramref name="code"/> and <paramref name="status"/>.</summary>
    public string Error(HttpStatusCode status, string code)
    {
        Assert.True(Status == status, $"expected {(int)status} {code}, got {(int)Status}: {Body}");
        Assert.Equal("application/json", ContentType);
        Assert.Equal(code, Json.GetProperty("error_code").GetString());
        return Json.GetProperty("message").GetString()!;
    }
}
