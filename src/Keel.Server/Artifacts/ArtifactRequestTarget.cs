using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.Artifacts;

/// <summary>
/// Reads artifact paths from the request target exactly as the client sent it. Kestrel decodes the path and
/// removes dot segments before routing, so <c>artifacts/a/%2e%2e/b</c> would otherwise arrive as
/// <c>artifacts/b</c> and <c>artifacts/../../x</c> would leave the proxy's routes altogether.
/// </summary>
internal static class ArtifactRequestTarget
{
    private const string ArtifactsSegment = "/" + MlflowRoutes.ProxiedArtifacts;

    private static readonly string[] Prefixes = [MlflowRoutes.ArtifactProxyPrefix, MlflowRoutes.AjaxArtifactProxyPrefix];

    /// <summary>Refuses, before any handler runs, a proxy request whose raw target breaks a path rule.</summary>
    public static Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        if (Concerns(context))
        {
            if (EncodedArtifactPath(context) is { } encoded)
            {
                ArtifactPath.ParseEncoded(encoded, "path", allowRoot: true);
            }
        }
        return next(context);
    }

    /// <summary>The artifact path after <c>&lt;prefix&gt;/artifacts/</c>, validated; <see cref="ArtifactPath.Root"/> only when allowed.</summary>
    public static ArtifactPath GetPath(HttpContext context, bool allowRoot) =>
        EncodedArtifactPath(context) is { } encoded
            ? ArtifactPath.ParseEncoded(encoded, "path", allowRoot)
            : throw KeelException.InvalidParameter(
                $"Invalid request path '{RawPath(context)}': expected {MlflowRoutes.ArtifactProxyPrefix}{ArtifactsSegment}/<path>.");

    /// <summary>
    /// The artifact directory after <c>&lt;prefix&gt;/&lt;route&gt;/</c> (MLflow's multipart routes), validated like
    /// <see cref="GetPath"/>; <see cref="ArtifactPath.Root"/> when the route has no path.
    /// </summary>
    public static ArtifactPath GetDirectoryAfter(HttpContext context, string route)
    {
        var raw = RawPath(context);
        var head = "/" + route;
        foreach (var prefix in Prefixes)
        {
            if (!StartsWithSegments(raw, prefix))
            {
                continue;
            }
            var rest = raw[prefix.Length..];
            if (rest.Equals(head, StringComparison.OrdinalIgnoreCase))
            {
                return ArtifactPath.Root;
            }
            if (rest.StartsWith(head + "/", StringComparison.OrdinalIgnoreCase))
            {
                return ArtifactPath.ParseEncoded(rest[(head.Length + 1)..], "path", allowRoot: true);
            }
        }
        throw KeelException.InvalidParameter(
            $"Invalid request path '{raw}': expected {MlflowRoutes.ArtifactProxyPrefix}{head}/<directory>.");
    }

    // Either the routed (normalized) path or the raw target is under a proxy prefix.
    private static bool Concerns(HttpContext context)
    {
        var raw = RawPath(context);
        foreach (var prefix in Prefixes)
        {
            if (context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase) || StartsWithSegments(raw, prefix))
            {
                return true;
            }
        }
        return false;
    }

    // The still-encoded rest after "<prefix>/artifacts/", or null for other routes under the prefix (checked
    // for dot segments here). A raw target that does not spell a prefix literally reached the proxy through
    // normalization (dot segments or an encoded prefix) and is refused.
    private static string? EncodedArtifactPath(HttpContext context)
    {
        var raw = RawPath(context);
        foreach (var prefix in Prefixes)
        {
            if (!StartsWithSegments(raw, prefix))
            {
                continue;
            }
            var rest = raw[prefix.Length..];
            if (rest.Equals(ArtifactsSegment, StringComparison.OrdinalIgnoreCase))
            {
                return string.Empty;
            }
            if (rest.StartsWith(ArtifactsSegment + "/", StringComparison.OrdinalIgnoreCase))
            {
                return rest[(ArtifactsSegment.Length + 1)..];
            }
            ArtifactPath.ParseEncoded(rest.TrimStart('/'), "path", allowRoot: true);
            return null;
        }
        throw KeelException.InvalidParameter(
            $"Invalid request path '{raw}': dot segments and percent-encoding are not allowed in the artifact route.");
    }

    private static bool StartsWithSegments(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');

    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
        }
        var query = target.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            target = target[..query];
        }
        // Absolute-form request line (sent to proxies): keep only the path, without parsing it through Uri,
        // which would normalize the very dot segments we look for.
        if (!target.StartsWith('/'))
        {
            var authority = target.IndexOf("://", StringComparison.Ordinal);
            var pathStart = authority < 0 ? -1 : target.IndexOf('/', authority + 3);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }
        return target;
    }
}
