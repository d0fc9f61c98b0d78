using System.Net;
using System.Net.Sockets;

namespace Keel.Monitoring.Webhooks;

// Which addresses a webhook may reach when private targets are not allowed: public unicast only. Ranges follow the
// IANA special-purpose registries; IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are
// judged by that address, because they can be routed to it.
internal static class WebhookAddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address.GetAddressBytes()),
            _ => false,
        };
    }

    /// <summary>The kind of non-public address, for messages ("loopback", "private", …); null when public.</summary>
    public static string? Describe(IPAddress address)
    {
        if (IsPublic(address))
        {
            return null;
        }
        var v4 = address.AddressFamily == AddressFamily.InterNetwork ? address.GetAddressBytes() : EmbeddedV4(address.GetAddressBytes());
        if (v4 is not null)
        {
            return v4 switch
            {
                [127, ..] => "loopback",
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => "private",
                [169, 254, ..] => "link-local",
                [100, >= 64 and <= 127, ..] => "shared (CGNAT)",
                [0, ..] => "unspecified",
                [>= 224 and <= 239, ..] => "multicast",
                [255, 255, 255, 255] => "broadcast",
                _ => "reserved",
            };
        }
        var b = address.GetAddressBytes();
        return b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] => "loopback",
            [>= 0xfc and <= 0xfd, ..] => "unique local (private)",
            [0xfe, >= 0x80 and <= 0xbf, ..] => "link-local",
            [0xff, ..] => "multicast",
            _ => "reserved",
        };
    }

    private static bool IsPublicV4(byte[] b) =>
        b switch
        {
            [0, ..] => false, // "this network", including the unspecified 0.0.0.0
            [10, ..] => false,
            [100, >= 64 and <= 127, ..] => false, // shared address space (CGNAT) 100.64/10
            [127, ..] => false,
            [169, 254, ..] => false, // link-local, cloud metadata services (169.254.169.254)
            [172, >= 16 and <= 31, ..] => false,
            [192, 0, 0, _] => false, // IETF protocol assignments
            [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => false, // documentation
            [192, 168, ..] => false,
            [198, 18 or 19, ..] => false, // benchmarking
            [>= 224, ..] => false, // multicast 224/4, reserved 240/4, broadcast 255.255.255.255
            _ => true,
        };

    private static bool IsPublicV6(byte[] b)
    {
        if (EmbeddedV4(b) is { } v4)
        {
            return IsPublicV4(v4);
        }
        return b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] => false, // ::
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] => false, // ::1
            [>= 0xfc and <= 0xfd, ..] => false, // unique local fc00::/7
            [0xfe, >= 0x80, ..] => false, // link-local fe80::/10 and the old site-local fec0::/10
            [0xff, ..] => false, // multicast
            [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..] => false, // local-use NAT64 64:ff9b:1::/48
            [0x01, 0x00, 0, 0, 0, 0, 0, 0, ..] => false, // discard-only 100::/64
            [0x20, 0x01, 0x00, 0x00, ..] => false, // Teredo 2001::/32 (tunnels to an obscured IPv4 address)
            [0x20, 0x01, 0x0d, 0xb8, ..] => false, // documentation 2001:db8::/32
            [0x00, ..] => false, // the rest of ::/8 is reserved
            _ => true,
        };
    }

    // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d and 6to4 2002:aabb:ccdd::.
    private static byte[]? EmbeddedV4(byte[] b) =>
        b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, _, _, _, _] => b[12..],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, _, _, _, _] when !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1) => b[12..],
            [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, _, _, _, _] => b[12..],
            [0x20, 0x02, _, _, _, _, ..] => b[2..6],
            _ => null,
        };
}
