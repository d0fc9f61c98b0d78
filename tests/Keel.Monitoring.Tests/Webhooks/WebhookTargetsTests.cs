using System.Net;
using Keel.Core.Common;
using Keel.Monitoring.Webhooks;

namespace Keel.Monitoring.Tests.Webhooks;

public sealed class WebhookTargetsTests
{
    private static string Refused(string url, bool allowPrivate = false)
    {
        var error = Assert.Throws<KeelException>(() => WebhookTargets.ValidateUrl(new Uri(url, UriKind.RelativeOrAbsolute), "webhooks[1]", allowPrivate));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("parameter 'webhooks[1]'", error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    [Theory]
    [InlineData("https://hooks.example.com/services/T0/B0/secret")]
    [InlineData("http://93.184.216.34:8080/hook?token=x")]
    [InlineData("https://[2606:4700::1111]/hook")]
    public void ValidateUrl_PublicHttpUrl_Passes(string url) => WebhookTargets.ValidateUrl(new Uri(url), "webhooks[0]", allowPrivate: false);

    [Theory]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://localhost:9000/hook")]
    [InlineData("http://10.1.2.3/hook")]
    public void ValidateUrl_PrivateTargetWhenAllowed_Passes(string url) => WebhookTargets.ValidateUrl(new Uri(url), "webhooks[0]", allowPrivate: true);

    [Theory]
    [InlineData("/relative/hook", "a webhook must be an absolute http or https URL")]
    [InlineData("ftp://example.com/hook", "a webhook must be an http or https URL (got scheme 'ftp')")]
    [InlineData("file:///etc/passwd", "got scheme 'file'")]
    [InlineData("https://user:secret@example.com/hook", "must not contain user info")]
    public void ValidateUrl_BadShape_RefusedEvenWhenPrivateAllowed(string url, string expected) =>
        Assert.Contains(expected, Refused(url, allowPrivate: true), StringComparison.Ordinal);

    [Fact]
    public void ValidateUrl_TooLong_Refused() =>
        Assert.Contains("at most 2048 characters", Refused("https://example.com/" + new string('a', 2048)), StringComparison.Ordinal);

    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1 is a loopback address")]
    [InlineData("http://127.8.9.10:8080/", "127.8.9.10 is a loopback address")]
    [InlineData("http://2130706433/", "127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f.1/", "127.0.0.1 is a loopback address")]
    [InlineData("http://10.0.0.1/", "10.0.0.1 is a private address")]
    [InlineData("http://172.16.0.1/", "172.16.0.1 is a private address")]
    [InlineData("http://172.31.255.255/", "is a private address")]
    [InlineData("http://192.168.1.1/", "192.168.1.1 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address")]
    [InlineData("http://100.64.0.1/", "is a shared (CGNAT) address")]
    [InlineData("http://0.0.0.0/", "0.0.0.0 is a unspecified address")]
    [InlineData("http://224.0.0.1/", "is a multicast address")]
    [InlineData("http://255.255.255.255/", "is a broadcast address")]
    [InlineData("http://[::1]/", "::1 is a loopback address")]
    [InlineData("http://[::]/", "is a reserved address")]
    [InlineData("http://[fc00::1]/", "is a unique local (private) address")]
    [InlineData("http://[fd12:3456::1]/", "is a unique local (private) address")]
    [InlineData("http://[fe80::1]/", "is a link-local address")]
    [InlineData("http://[ff02::1]/", "is a multicast address")]
    [InlineData("http://[::ffff:10.0.0.1]/", "is a private address")]
    [InlineData("http://[::ffff:169.254.169.254]/", "is a link-local address")]
    [InlineData("http://[::127.0.0.1]/", "is a loopback address")]
    [InlineData("http://[64:ff9b::a00:1]/", "is a private address")]
    [InlineData("http://[2002:7f00:1::]/", "is a loopback address")]
    [InlineData("http://localhost:8080/", "'localhost' is a loopback name")]
    [InlineData("http://LOCALHOST./", "is a loopback name")]
    [InlineData("http://api.localhost/", "'api.localhost' is a loopback name")]
    public void ValidateUrl_NonPublicLiteral_RefusedNamingTheKind(string url, string expected)
    {
        var message = Refused(url);

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("unless the server allows private webhook targets", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateUrl_Null_MissingValue() =>
        Assert.Equal("Missing value for required parameter 'webhooks[0]'.",
            Assert.Throws<KeelException>(() => WebhookTargets.ValidateUrl(null!, "webhooks[0]", false)).Message);

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.32.0.0", true)]
    [InlineData("100.63.255.255", true)]
    [InlineData("100.128.0.0", true)]
    [InlineData("169.253.255.255", true)]
    [InlineData("223.255.255.255", true)]
    [InlineData("9.255.255.255", true)]
    [InlineData("11.0.0.0", true)]
    [InlineData("10.255.255.255", false)]
    [InlineData("100.127.255.255", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("192.0.0.8", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("2002:808:808::1", true)]
    [InlineData("febf::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2001:0:4136:e378::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("::ffff:0.0.0.0", false)]
    [InlineData("::ffff:255.255.255.255", false)]
    public void AddressPolicy_IsPublic(string address, bool expected) =>
        Assert.Equal(expected, WebhookAddressPolicy.IsPublic(IPAddress.Parse(address)));
}
