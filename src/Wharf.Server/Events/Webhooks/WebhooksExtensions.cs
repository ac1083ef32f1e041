using System.Net;
using Microsoft.Extensions.Options;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// Per-project webhooks: the event subscriber that queues deliveries, the background sender, the guarded outbound
/// client and the API. Needs <c>AddWharfEvents</c> (the outbox feeds it).
/// </summary>
internal static class WebhooksExtensions
{
    public static IServiceCollection AddWharfWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhooksOptions>()
            .BindConfiguration(WebhooksOptions.Section)
            .Validate(o => o.AllowedNetworks.All(e => AllowedDestination.TryParse(e, out _)),
                "Wharf:Webhooks:AllowedNetworks: every entry must be a CIDR, an address, or <address|cidr|host>:<port>.")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Wharf:Webhooks:MaxAttempts must be 1 to 100.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay,
                "Wharf:Webhooks:RetryBaseDelay must be positive and at most Wharf:Webhooks:RetryMaxDelay.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.ConnectTimeout > TimeSpan.Zero,
                "Wharf:Webhooks:RequestTimeout and Wharf:Webhooks:ConnectTimeout must be positive.")
            .Validate(o => o.LeaseDuration > o.RequestTimeout,
                "Wharf:Webhooks:LeaseDuration must be longer than Wharf:Webhooks:RequestTimeout.")
            .Validate(o => o.Retention > TimeSpan.Zero, "Wharf:Webhooks:Retention must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Wharf:Webhooks:PollInterval must be positive.")
            .Validate(o => o.MaxConcurrency is >= 1 and <= 256, "Wharf:Webhooks:MaxConcurrency must be 1 to 256.")
            .ValidateOnStart();
        services.AddSingleton<WebhookNetworkPolicy>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Redirects are followed by WebhookSender, one checked hop at a time; a proxy would move the connect
                // check to the proxy's address, so none is used; cookies would carry state between receivers.
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = provider.GetRequiredService<IOptions<WebhooksOptions>>().Value.ConnectTimeout,
                ConnectCallback = provider.GetRequiredService<WebhookNetworkPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxResponseHeadersLength = 64,
            })
            // The default loggers write each request's full URL, whose query may carry the receiver's own key.
            .RemoveAllLoggers();
        services.AddEventSubscriber<WebhookEventSubscriber>();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
