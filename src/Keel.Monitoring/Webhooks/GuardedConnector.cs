using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Keel.Monitoring.Webhooks;

// The SSRF guard proper: SocketsHttpHandler's connect step. The name is resolved once here and the checked address
// is the one connected, so a name that resolves to a private address — now, or after a DNS rebinding — is refused.
internal static class GuardedConnector
{
    public static SocketsHttpHandler CreateHandler(WebhookOptions options) =>
        new()
        {
            // A redirect would be a second, unchecked target; a proxy would connect on our behalf, past the guard.
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            // Connections are re-made (and re-checked) at least this often, so DNS changes are seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options.AllowPrivateTargets, cancellationToken),
        };

    public static ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken) =>
        ConnectAsync(endpoint, allowPrivate, Dns.GetHostAddressesAsync, cancellationToken);

    // The resolver is a parameter so tests can play a DNS server that answers with private or mixed addresses.
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var host = endpoint.Host.Trim('[', ']');
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        if (!allowPrivate)
        {
            // One private answer refuses the whole name: a public address beside it is no reason to trust the name.
            foreach (var address in addresses)
            {
                if (WebhookAddressPolicy.Describe(address) is { } kind)
                {
                    throw new WebhookTargetRefusedException(
                        host == address.ToString()
                            ? $"{address} is a {kind} address; webhooks may only reach public addresses."
                            : $"'{host}' resolves to {address}, a {kind} address; webhooks may only reach public addresses.");
                }
            }
        }
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
