using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// A webhook receiver as a user would run one: a real HTTP server on 127.0.0.1 (Kestrel, its own port) that records
/// every request and answers 204. Wharf refuses loopback destinations unless configuration allows them, so the server
/// under test is told this receiver's exact address.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary><c>127.0.0.1:port</c>, the entry for <c>Wharf:Webhooks:AllowedNetworks</c>.</summary>
    public string Address { get; private set; } = "";

    public Uri Url => new($"http://{Address}/hooks/wharf");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        receiver.Address = $"127.0.0.1:{address.Port}";
        return receiver;
    }

    /// <summary>The first received request <paramref name="match"/> accepts, waiting until <paramref name="cancellationToken"/> gives up; requests read on the way are dropped.</summary>
    public async Task<ReceivedWebhook> FirstAsync(Func<ReceivedWebhook, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var received in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (match(received))
            {
                return received;
            }
        }

        throw new InvalidOperationException("the receiver was closed");
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Writer.TryWrite(new ReceivedWebhook(headers, body));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
