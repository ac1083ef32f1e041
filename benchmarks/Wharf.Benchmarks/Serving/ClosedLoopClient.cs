using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// A closed-loop HTTP load generator: N loops each send a request, read the whole response, and send the next, for
/// a warm-up and then a measured period; every latency of the measured period is kept. One client for the HTTP
/// limit and for wharf-serve, so their figures compare.
/// </summary>
internal static class ClosedLoopClient
{
    public static async Task<LoadResult> RunAsync(Uri server, InferPayload payload, int concurrency, TimeSpan duration, TimeSpan warmUp)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        var headerLength = payload.HeaderLength.ToString(CultureInfo.InvariantCulture);
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        string? firstError = null;

        async Task<List<long>> LoopAsync()
        {
            var latencies = new List<long>(1 << 16);
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= measureTo)
                {
                    return latencies;
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, payload.Path) { Content = new ByteArrayContent(payload.Body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Headers.TryAddWithoutValidation(InferPayload.HeaderLengthHeader, headerLength);
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var done = Stopwatch.GetTimestamp();
                    if (!response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body}", null);
                    }
                    else if (sent >= measureFrom && done <= measureTo)
                    {
                        latencies.Add(done - sent);
                    }
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    await Task.Delay(10);
                }
            }
        }

        var loops = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(LoopAsync)));
        var all = loops.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all, errors, firstError, duration.TotalSeconds, ItemsPerRequest: 1);
    }
}
