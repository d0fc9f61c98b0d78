using System.Globalization;
using Keel.Core.Common;

namespace Keel.Core.Artifacts;

/// <summary>
/// A validated, normalized artifact path relative to an artifact root: segments joined by <c>/</c>, never
/// absolute, never <c>.</c> or <c>..</c>, no backslash, <c>?</c>, <c>#</c>, control characters or leftover
/// percent-encoding. Empty segments (<c>a//b</c>, a trailing <c>/</c>) are collapsed, as MLflow's posix
/// normalization does; a leading <c>/</c> is absolute and refused. <see cref="Root"/> is the empty path.
/// </summary>
public sealed record ArtifactPath
{
    private ArtifactPath(string value) => Value = value;

    /// <summary>The artifact root itself (empty path); only listing accepts it.</summary>
    public static ArtifactPath Root { get; } = new(string.Empty);

    /// <summary>Normalized form: segments joined by <c>/</c>, empty for <see cref="Root"/>.</summary>
    public string Value { get; }

    public bool IsRoot => Value.Length == 0;

    public IReadOnlyList<string> Segments => IsRoot ? [] : Value.Split('/');

    /// <summary>The last segment; empty for <see cref="Root"/>.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>The containing directory; <see cref="Root"/> for a top-level entry and for the root itself.</summary>
    public ArtifactPath Parent => Value.LastIndexOf('/') is var slash and > 0 ? new(Value[..slash]) : Root;

    /// <summary>
    /// Parses an already-decoded path that must name a file or directory below the root (not the root).
    /// Throws INVALID_PARAMETER_VALUE naming <paramref name="fieldName"/> and the broken rule.
    /// </summary>
    public static ArtifactPath Parse(string? raw, string fieldName) => ParseCore(raw, fieldName, allowRoot: false);

    /// <summary>Like <see cref="Parse"/>, but null or empty input means <see cref="Root"/> (for listing).</summary>
    public static ArtifactPath ParseDirectory(string? raw, string fieldName) => ParseCore(raw, fieldName, allowRoot: true);

    /// <summary>
    /// Parses a path exactly as it appeared in a request URL (still percent-encoded): the raw text is checked
    /// for dot segments and separators that a server would normalize away, then decoded once and checked
    /// again, so <c>%2e%2e</c>, <c>%5c</c>, <c>%23</c> and double-encoded <c>%252e</c> are all refused.
    /// </summary>
    public static ArtifactPath ParseEncoded(string? encoded, string fieldName, bool allowRoot)
    {
        encoded ??= string.Empty;
        Check(encoded, fieldName, encoded, decoded: false);
        return ParseCore(Uri.UnescapeDataString(encoded), fieldName, allowRoot, shown: encoded);
    }

    /// <summary>This path followed by <paramref name="child"/>.</summary>
    public ArtifactPath Append(ArtifactPath child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return IsRoot ? child : child.IsRoot ? this : new($"{Value}/{child.Value}");
    }

    /// <summary>True when this path is <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsUnder(ArtifactPath ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        return ancestor.IsRoot
            || Value == ancestor.Value
            || (Value.StartsWith(ancestor.Value, StringComparison.Ordinal) && Value[ancestor.Value.Length] == '/');
    }

    /// <summary>The rest of this path below <paramref name="ancestor"/>; throws when it is not below it.</summary>
    public ArtifactPath RelativeTo(ArtifactPath ancestor)
    {
        if (!IsUnder(ancestor))
        {
            throw new ArgumentException($"'{Value}' is not under '{ancestor.Value}'.", nameof(ancestor));
        }
        return ancestor.IsRoot ? this : Value.Length == ancestor.Value.Length ? Root : new(Value[(ancestor.Value.Length + 1)..]);
    }

    public override string ToString() => Value;

    // 'shown' is the text as the client sent it, so an error quotes what the client wrote, not our decoding.
    private static ArtifactPath ParseCore(string? raw, string fieldName, bool allowRoot, string? shown = null)
    {
        raw ??= string.Empty;
        Check(raw, fieldName, shown ?? raw, decoded: true);
        var segments = raw.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return allowRoot ? Root : throw Invalid(fieldName, shown ?? raw, "it must name a file below the artifact root");
        }
        return new(string.Join('/', segments));
    }

    // Rules shared by the raw URL form and the decoded form; 'decoded' adds the rules that only make sense
    // after one decode (a '%' escape left over means the client encoded twice).
    private static void Check(string text, string fieldName, string shown, bool decoded)
    {
        if (text.StartsWith('/'))
        {
            throw Invalid(fieldName, shown, "absolute paths are not allowed");
        }
        if (text.Length >= 2 && char.IsAsciiLetter(text[0]) && text[1] == ':')
        {
            throw Invalid(fieldName, shown, "drive-letter paths are not allowed");
        }
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                throw Invalid(fieldName, shown, "control characters are not allowed");
            }
            switch (c)
            {
                case '\\':
                    throw Invalid(fieldName, shown, "backslashes are not allowed; separate segments with '/'");
                case '?':
                case '#':
                    throw Invalid(fieldName, shown, "'?' and '#' are not allowed");
            }
        }
        foreach (var segment in text.Split('/'))
        {
            if (segment is "." or "..")
            {
                throw Invalid(fieldName, shown, "'.' and '..' segments are not allowed");
            }
        }
        if (decoded && HasPercentEscape(text))
        {
            throw Invalid(fieldName, shown, "percent-encoding must be decoded exactly once (double-encoded paths are not allowed)");
        }
    }

    private static bool HasPercentEscape(string text)
    {
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                return true;
            }
        }
        return false;
    }

    private static KeelException Invalid(string fieldName, string value, string rule) =>
        KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
            $"Invalid value '{Printable(value)}' for parameter '{fieldName}': {rule}."));

    // Control characters in an error message would garble logs and terminals; show them escaped.
    private static string Printable(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }
        return string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
