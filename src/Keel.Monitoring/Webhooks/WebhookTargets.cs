using System.Net;
using Keel.Core.Common;

namespace Keel.Monitoring.Webhooks;

/// <summary>
/// The rules for a webhook URL, checked when a monitor is created. Delivery checks again on the address actually
/// connected (a name may resolve to a private address later), so these rules catch mistakes early and are not the
/// only guard.
/// </summary>
public static class WebhookTargets
{
    /// <summary>Longest webhook URL.</summary>
    public const int MaxUrlLength = 2_048;

    /// <summary>
    /// Throws <see cref="KeelException"/> (<see cref="ErrorCode.InvalidParameterValue"/>, naming <paramref name="field"/>)
    /// unless <paramref name="url"/> is an absolute http or https URL without user info, at most
    /// <see cref="MaxUrlLength"/> characters. Unless <paramref name="allowPrivate"/>, a host that is a literal
    /// loopback, private, link-local or otherwise non-public IP address, or <c>localhost</c>, is refused too.
    /// </summary>
    /// <param name="url">The webhook URL.</param>
    /// <param name="field">The request field, e.g. <c>webhooks[0]</c>.</param>
    /// <param name="allowPrivate">The server's <see cref="WebhookOptions.AllowPrivateTargets"/>.</param>
    public static void ValidateUrl(Uri url, string field, bool allowPrivate)
    {
        if (url is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (Problem(url, allowPrivate) is { } problem)
        {
            var shown = url.OriginalString.Length > 200 ? url.OriginalString[..200] + "…" : url.OriginalString;
            throw KeelException.InvalidParameter($"Invalid value '{shown}' for parameter '{field}': {problem}");
        }
    }

    // The rule a URL breaks, or null. Shared by creation-time validation and delivery.
    internal static string? Problem(Uri url, bool allowPrivate)
    {
        if (!url.IsAbsoluteUri)
        {
            return "a webhook must be an absolute http or https URL.";
        }
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return $"a webhook must be an http or https URL (got scheme '{url.Scheme}').";
        }
        if (url.OriginalString.Length > MaxUrlLength)
        {
            return $"a webhook URL is at most {MaxUrlLength} characters.";
        }
        if (url.UserInfo.Length > 0)
        {
            return "a webhook URL must not contain user info (credentials before '@'); put a secret in the path or query instead.";
        }
        if (url.IdnHost.Length == 0)
        {
            return "a webhook URL needs a host.";
        }
        if (allowPrivate)
        {
            return null;
        }
        // Uri has already normalised the odd IPv4 spellings (0x7f.1, 2130706433, 017700000001) to dotted decimal.
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) && WebhookAddressPolicy.Describe(address) is { } kind)
        {
            return $"{address} is a {kind} address; webhooks may only reach public addresses unless the server allows private webhook targets.";
        }
        var host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{url.Host}' is a loopback name; webhooks may only reach public addresses unless the server allows private webhook targets.";
        }
        return null;
    }
}
