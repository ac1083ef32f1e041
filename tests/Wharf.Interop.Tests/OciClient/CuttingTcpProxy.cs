using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>
/// A loopback TCP proxy in front of a registry that, once, cuts the connection carrying a <c>PATCH</c> after
/// <see cref="CutAfterBytes"/> bytes of it have been forwarded: both sockets are reset mid-request, as a dropped
/// network would leave them. Every other byte is passed through untouched.
/// </summary>
internal sealed class CuttingTcpProxy : IAsyncDisposable
{
    private static readonly byte[] PatchMarker = Encoding.ASCII.GetBytes("PATCH /v2/");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _armed = 1;
    private int _cuts;
    private int _patches;

    public CuttingTcpProxy(IPEndPoint target, int cutAfterBytes)
    {
        _target = target;
        CutAfterBytes = cutAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int CutAfterBytes { get; }

    /// <summary><c>127.0.0.1:port</c> of the proxy, as it appears in image references.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How many connections were cut (0 or 1).</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>How many PATCH requests passed through, the cut one included.</summary>
    public int Patches => Volatile.Read(ref _patches);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpUpAsync(client, server, cut);
                var down = PumpAsync(server.GetStream(), client.GetStream(), cut.Token);
                await Task.WhenAny(up, down);
                await cut.CancelAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away: the other is closed below.
            }
        }
    }

    /// <summary>Client to server, watching for the PATCH to cut.</summary>
    private async Task PumpUpAsync(TcpClient client, TcpClient server, CancellationTokenSource cut)
    {
        var from = client.GetStream();
        var to = server.GetStream();
        var buffer = new byte[16 * 1024];
        var tail = Array.Empty<byte>();
        long? patchBytes = null;
        while (true)
        {
            var n = await from.ReadAsync(buffer, cut.Token);
            if (n == 0)
            {
                return;
            }

            var window = tail.Concat(buffer.Take(n)).ToArray();
            var found = window.AsSpan().IndexOf(PatchMarker);
            if (found >= 0)
            {
                Interlocked.Increment(ref _patches);
                if (patchBytes is null && Volatile.Read(ref _armed) == 1)
                {
                    // Counted from the start of the request line: this chunk's bytes before it do not count.
                    patchBytes = -Math.Max(0, found - tail.Length);
                }
            }

            tail = window[Math.Max(0, window.Length - PatchMarker.Length)..];
            if (patchBytes is { } sent)
            {
                var total = sent + n;
                if (total >= CutAfterBytes && Interlocked.Exchange(ref _armed, 0) == 1)
                {
                    var forward = (int)(n - (total - CutAfterBytes));
                    await to.WriteAsync(buffer.AsMemory(0, Math.Clamp(forward, 0, n)), cut.Token);
                    await to.FlushAsync(cut.Token);
                    Interlocked.Increment(ref _cuts);
                    Reset(client);
                    Reset(server);
                    return;
                }

                patchBytes = total;
            }

            await to.WriteAsync(buffer.AsMemory(0, n), cut.Token);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }

    /// <summary>Closes with RST, not FIN: the peer sees a reset connection, not a finished request.</summary>
    private static void Reset(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Client.Close();
    }
}
