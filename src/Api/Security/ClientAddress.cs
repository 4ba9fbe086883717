using System.Net;
using System.Net.Sockets;

namespace ServerEvents.Api.Security;

/// <summary>
/// The client address that per-address limits count against: the connection's remote address, which the
/// forwarded-headers middleware has replaced with the client's only when the request came through a configured
/// proxy (<see cref="ProxyOptions"/>).
/// </summary>
internal static class ClientAddress
{
    /// <summary>
    /// The partition key: an IPv4 address, or the /64 network of an IPv6 address (one subscriber line usually has a
    /// whole /64, so counting single IPv6 addresses would give one client billions of budgets).
    /// </summary>
    public static string Key(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
