using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Core.Models.Packages;

/// <summary>
/// How plain YAML scalars become values and when a string must be quoted. MLflow writes MLmodel files with
/// PyYAML, a YAML 1.1 reader, so the rules follow YAML 1.1; quoting also covers YAML 1.2 readers' number forms,
/// because a quoted string is a string to every reader.
/// </summary>
internal static partial class YamlScalars
{
    private static readonly HashSet<string> NullWords = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> TrueWords = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"];
    private static readonly HashSet<string> FalseWords = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"];

    // YAML 1.1 also reads y/n as booleans in some readers, and '=' and '<<' are special keys.
    private static readonly HashSet<string> OtherReservedWords = ["y", "Y", "n", "N", "=", "<<"];

    /// <summary>The value a plain (unquoted, untagged) scalar stands for: null, bool, long, double or the text.</summary>
    public static object? Resolve(string text)
    {
        if (NullWords.Contains(text))
        {
            return null;
        }
        if (TrueWords.Contains(text) || FalseWords.Contains(text))
        {
            return TrueWords.Contains(text);
        }
        if (DecimalInt().IsMatch(text)
            && long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }
        return text switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            _ when Yaml11Float().IsMatch(text) && text.Any(char.IsAsciiDigit) =>
                double.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => text,
        };
    }

    /// <summary>True when <paramref name="text"/> written plain would be read back as something other than this string.</summary>
    public static bool NeedsQuotes(string text) =>
        NullWords.Contains(text) || TrueWords.Contains(text) || FalseWords.Contains(text) || OtherReservedWords.Contains(text)
        || Yaml11Int().IsMatch(text) || Yaml11Float().IsMatch(text) || Yaml12Float().IsMatch(text) || Timestamp().IsMatch(text)
        || text.StartsWith(".inf", StringComparison.OrdinalIgnoreCase) || text.StartsWith("-.inf", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("+.inf", StringComparison.OrdinalIgnoreCase) || text.Equals(".nan", StringComparison.OrdinalIgnoreCase);

    /// <summary>A double as PyYAML reads it back: always with a '.', and .inf/.nan for the special values.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return ".nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? ".inf" : "-.inf";
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            return text;
        }
        var exponent = text.IndexOf('E', StringComparison.Ordinal);
        return exponent < 0 ? text + ".0" : string.Concat(text.AsSpan(0, exponent), ".0", text.AsSpan(exponent));
    }

    [GeneratedRegex(@"^[-+]?(?:0|[1-9][0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Int();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Float();

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml12Float();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();
}
