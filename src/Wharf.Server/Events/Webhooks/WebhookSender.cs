using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// Sends one attempt of a delivery: signs it, POSTs it through the guarded client (<see cref="WebhookNetworkPolicy"/>)
/// and follows up to <see cref="MaxRedirects"/> redirects itself, so every hop goes through the same connect check and
/// a redirect to another scheme is refused. A redirect re-sends the same signed POST (a receiver that moved keeps
/// receiving events, never a body-less GET). The whole attempt, redirects included, is bounded by
/// <see cref="WebhooksOptions.RequestTimeout"/>; the response body is never read.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhooksOptions> options, TimeProvider timeProvider)
{
    public const string ClientName = "wharf-webhooks";
    public const int MaxRedirects = 3;

    private static readonly string UserAgent = $"Wharf-Webhooks/{HostingExtensions.Version}";

    public async Task<WebhookAttemptResult> SendAsync(
        Uri url, string eventType, Guid deliveryId, string body, string secret, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = options.Value.RequestTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var client = clients.CreateClient(ClientName);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var signature = WebhookSignature.Compute(secret, timestamp, body);
        var target = url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.UserAgent.ParseAdd(UserAgent);
                request.Headers.Add("X-Wharf-Event", eventType);
                request.Headers.Add("X-Wharf-Delivery", deliveryId.ToString("D"));
                request.Headers.Add("X-Wharf-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("X-Wharf-Signature", signature);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var status = (int)response.StatusCode;
                if (!IsRedirect(response.StatusCode))
                {
                    return Result(status, status is >= 200 and < 300 ? null : $"the receiver answered {status}{Hop(hop, target)}");
                }

                if (response.Headers.Location is not { } location)
                {
                    return Result(status, $"the receiver answered {status} without a Location{Hop(hop, target)}");
                }

                if (hop == MaxRedirects)
                {
                    return Result(status, $"more than {MaxRedirects} redirects; stopped at {Describe(target)}");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(target, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    return Result(status, $"refused a redirect to a '{Cut(next.Scheme)}' URL; only http and https are followed");
                }

                if (!string.IsNullOrEmpty(next.UserInfo))
                {
                    return Result(status, "refused a redirect to a URL with user info");
                }

                target = next;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Result(null, $"no answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s{Hop(target == url ? 0 : 1, target)}");
        }
        catch (HttpRequestException ex)
        {
            var refusal = Find<WebhookAddressRefusedException>(ex);
            return Result(null, refusal is not null
                ? $"{refusal.Message}{Hop(target == url ? 0 : 1, target)}"
                : $"{ex.Message}{Hop(target == url ? 0 : 1, target)}");
        }

        WebhookAttemptResult Result(int? status, string? error) =>
            new(status, error, Stopwatch.GetElapsedTime(started));
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Hop(int hop, Uri target) => hop == 0 ? "" : $" (after a redirect to {Describe(target)})";

    /// <summary>A URL for the delivery log: scheme, host, port and path, without the query (it may carry a receiver's key).</summary>
    private static string Describe(Uri url) => Cut(url.GetLeftPart(UriPartial.Path));

    private static string Cut(string value) => value.Length <= 200 ? value : value[..200] + "...";

    private static TException? Find<TException>(Exception? exception) where TException : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is TException found)
            {
                return found;
            }
        }

        return null;
    }
}
