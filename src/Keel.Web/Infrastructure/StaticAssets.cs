using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Keel.Web.Infrastructure;

/// <summary>
/// The UI's CSS, JavaScript and vendored libraries, embedded in this assembly under <c>wwwroot/</c> and held in memory
/// (a few dozen kilobytes). URLs carry the content hash, so browsers may cache a file for a year and still see a new
/// build at once.
/// </summary>
public sealed class StaticAssets
{
    private const string ResourcePrefix = "wwwroot/";

    private readonly FrozenDictionary<string, StaticAsset> _assets;

    private StaticAssets(FrozenDictionary<string, StaticAsset> assets) => _assets = assets;

    /// <summary>Reads every embedded <c>wwwroot/</c> resource of this assembly.</summary>
    public static StaticAssets Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            assets[path] = new StaticAsset(content, ContentTypeOf(path), hash);
        }
        return new StaticAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// The versioned URL of an embedded file, e.g. <c>/static/css/keel.css?v=…</c>. An unknown path throws, so a typo
    /// fails the first render in tests instead of leaving a page without its script.
    /// </summary>
    public string Url(string path) =>
        _assets.TryGetValue(path, out var asset)
            ? $"/static/{path}?v={asset.Hash}"
            : throw new InvalidOperationException($"No embedded static asset 'wwwroot/{path}' in Keel.Web.");

    internal bool TryGet(string path, out StaticAsset asset) => _assets.TryGetValue(path, out asset!);

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "text/plain; charset=utf-8",
    };
}

/// <summary>One embedded file: its bytes, content type and short content hash.</summary>
internal sealed record StaticAsset(byte[] Content, string ContentType, string Hash);
