using System.Net;
using Keel.Monitoring.Webhooks;

namespace Keel.Monitoring.Tests.Webhooks;

// The connect step with a scripted resolver standing in for DNS: names are judged by what they resolve to, and the
// address checked is the address connected (no second lookup a rebinding DNS server could answer differently).
public sealed class GuardedConnectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ScriptedDns(params IPAddress[][] answers)
    {
        public int Lookups { get; private set; }

        public Task<IPAddress[]> Resolve(string host, CancellationToken cancellationToken) =>
            Task.FromResult(answers[Math.Min(Lookups++, answers.Length - 1)]);
    }

    [Fact]
    public async Task ConnectAsync_NameResolvingToPrivate_RefusedWithoutConnecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var dns = new ScriptedDns([IPAddress.Loopback]);

        var error = await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () =>
            await GuardedConnector.ConnectAsync(new DnsEndPoint("hooks.example.com", receiver.Port), false, dns.Resolve, Ct));

        Assert.Equal("'hooks.example.com' resolves to 127.0.0.1, a loopback address; webhooks may only reach public addresses.", error.Message);
        Assert.Equal(0, receiver.Connections);
    }

    [Fact]
    public async Task ConnectAsync_MixedPublicAndPrivateAnswers_RefusedWhole()
    {
        var dns = new ScriptedDns([IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.5")]);

        var error = await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () =>
            await GuardedConnector.ConnectAsync(new DnsEndPoint("hooks.example.com", 443), false, dns.Resolve, Ct));

        Assert.Contains("10.0.0.5, a private address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_Rebinding_EachConnectionResolvesOnceAndIsCheckedAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // First answer allowed (private targets allowed here), then the "attacker" flips it; the second connection,
        // made with private targets refused, sees the flipped answer and is refused.
        var dns = new ScriptedDns([IPAddress.Loopback], [IPAddress.Parse("169.254.169.254")]);

        await using (var stream = await GuardedConnector.ConnectAsync(new DnsEndPoint("hooks.invalid", receiver.Port), true, dns.Resolve, Ct))
        {
            Assert.True(stream.CanWrite);
        }
        var error = await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () =>
            await GuardedConnector.ConnectAsync(new DnsEndPoint("hooks.invalid", receiver.Port), false, dns.Resolve, Ct));

        // "hooks.invalid" cannot resolve in real DNS: the connection went to the address the resolver returned.
        Assert.Equal(2, dns.Lookups);
        Assert.Contains("169.254.169.254, a link-local address", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await receiver.WaitForConnectionsAsync(1));
    }

    [Fact]
    public async Task ConnectAsync_LiteralAddress_NotResolved()
    {
        var dns = new ScriptedDns([IPAddress.Parse("93.184.216.34")]);

        await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () =>
            await GuardedConnector.ConnectAsync(new DnsEndPoint("[::1]", 80), false, dns.Resolve, Ct));

        Assert.Equal(0, dns.Lookups);
    }
}
