using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// One entry of <c>Wharf:Webhooks:AllowedNetworks</c>: a network (CIDR or single address) or a host name, with an
/// optional port (required for a host name, so allowing a name never opens all its ports).
/// </summary>
internal sealed record AllowedDestination(IPNetwork? Network, string? Host, int? Port)
{
    public bool Allows(string host, IPAddress address, int port)
    {
        if (Port is { } allowedPort && allowedPort != port)
        {
            return false;
        }

        if (Network is { } network)
        {
            var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return network.BaseAddress.AddressFamily == candidate.AddressFamily && network.Contains(candidate);
        }

        return string.Equals(Host, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out AllowedDestination? destination)
    {
        destination = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (IPNetwork.TryParse(text, out var cidr))
        {
            destination = new AllowedDestination(cidr, null, null);
            return true;
        }

        // An unbracketed address is an address alone ("::1" is not "::" with port 1); IPv6 with a port needs brackets.
        if (!text.StartsWith('[') && IPAddress.TryParse(text, out var single))
        {
            destination = new AllowedDestination(Single(single), null, null);
            return true;
        }

        // With a port: "<address or cidr>:<port>", "[<ipv6 or cidr>]:<port>", "<host>:<port>".
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var left = text[..colon];
        if (left.StartsWith('[') && left.EndsWith(']'))
        {
            left = left[1..^1];
        }

        if (IPNetwork.TryParse(left, out var network))
        {
            destination = new AllowedDestination(network, null, port);
            return true;
        }

        if (IPAddress.TryParse(left, out var address))
        {
            destination = new AllowedDestination(Single(address), null, port);
            return true;
        }

        if (Uri.CheckHostName(left) == UriHostNameType.Dns)
        {
            destination = new AllowedDestination(null, left.TrimEnd('.'), port);
            return true;
        }

        return false;
    }

    private static IPNetwork Single(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return new IPNetwork(plain, plain.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }
}
