using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wharf.Server.Tests.Events.Webhooks;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, its own port) that records every request and answers what
/// <see cref="Respond"/> says for the n-th request (1-based): a status code, and a Location for redirects.
/// Wharf.Cli.Tests and Wharf.Interop.Tests compile this file (and <see cref="ReceivedWebhook"/>) in as linked sources.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>What to answer to the n-th request; 204 unless a test says otherwise.</summary>
    public Func<int, (int Status, string? Location)> Respond { get; set; } = _ => (StatusCodes.Status204NoContent, null);

    /// <summary>When set, each request is answered only after this task completes: a receiver that hangs.</summary>
    public Task? Hold { get; set; }

    public int Port { get; private set; }

    public Uri Url(string path = "/hook") => new($"http://127.0.0.1:{Port}{path}");

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    /// <summary>Waits (with a generous guard, not a timing assertion) until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_received))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(guard.Token);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        int count;
        TaskCompletionSource toSignal;
        lock (_gate)
        {
            _received.Add(new ReceivedWebhook(context.Request.Method, context.Request.Path.Value ?? "", headers, body));
            count = _received.Count;
            toSignal = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        toSignal.TrySetResult();
        if (Hold is { } hold)
        {
            await hold.WaitAsync(context.RequestAborted);
        }

        var (status, location) = Respond(count);
        context.Response.StatusCode = status;
        if (location is not null)
        {
            context.Response.Headers.Location = location;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
