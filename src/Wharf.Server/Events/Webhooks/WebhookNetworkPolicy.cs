using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// The outbound client's gate, applied where it cannot be bypassed: in the socket handler's connect callback. The
/// callback resolves the host itself and connects only to an address it has just judged, so a name that resolved to a
/// public address when the webhook was created and to 127.0.0.1 now (DNS rebinding), a redirect to an internal host,
/// or an address literal in any spelling (<c>0x7f.1</c>, <c>[::ffff:127.0.0.1]</c>) all meet the same check.
/// </summary>
internal sealed class WebhookNetworkPolicy(IOptions<WebhooksOptions> options)
{
    private readonly AllowedDestination[] _allowed = [.. options.Value.AllowedNetworks.Select(Parse)];

    /// <summary>Why connecting to <paramref name="address"/> for <paramref name="host"/> is refused, or null when allowed.</summary>
    public string? Refusal(string host, IPAddress address, int port)
    {
        var kind = WebhookAddressClassifier.Classify(address);
        if (kind is null || _allowed.Any(a => a.Allows(host, address, port)))
        {
            return null;
        }

        var shown = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return $"refused to connect to {host} ({FormatEndpoint(shown, port)}): a {kind} address, not allowed by {WebhooksOptions.Section}:AllowedNetworks";
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, judge every address, connect to an allowed one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var parsed)
            ? [parsed]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException($"{host} resolves to no address");
        }

        string? firstRefusal = null;
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            var refusal = Refusal(host, address, port);
            if (refusal is not null)
            {
                firstRefusal ??= refusal;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                // Connect to the address judged above, never to the name: a second lookup could answer differently.
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastError = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastError is not null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"cannot connect to {host}:{port}: {lastError.Message}", lastError);
        }

        throw new WebhookAddressRefusedException(firstRefusal!);
    }

    private static string FormatEndpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private static AllowedDestination Parse(string entry) =>
        AllowedDestination.TryParse(entry, out var destination)
            ? destination
            : throw new OptionsValidationException(WebhooksOptions.Section, typeof(WebhooksOptions),
                [$"{WebhooksOptions.Section}:AllowedNetworks: '{entry}' is not a CIDR, an address, or <address|cidr|host>:<port>"]);
}
