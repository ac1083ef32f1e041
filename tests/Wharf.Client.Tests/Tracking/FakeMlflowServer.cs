using System.Net;
using System.Text;

namespace Wharf.Client.Tests.Tracking;

/// <summary>
/// A fake server (no socket): answers each request from a function of method and path-and-query, and records what
/// was sent. Used where the real endpoint is not in this branch (the artifact proxy) or to send bodies the real
/// server never sends (int64 as strings).
/// </summary>
internal sealed class FakeMlflowServer(Func<HttpMethod, string, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(HttpMethod Method, string PathAndQuery, byte[] Body)> Requests { get; } = [];

    public WharfClient Client() => new(new HttpClient(this) { BaseAddress = new Uri("http://127.0.0.1:1/") });

    public string BodyOf(int index) => Encoding.UTF8.GetString(Requests[index].Body);

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK)
        => new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        Requests.Add((request.Method, path, body));
        return answer(request.Method, path);
    }
}
