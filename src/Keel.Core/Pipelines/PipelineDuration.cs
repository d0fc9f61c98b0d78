using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Core.Pipelines;

/// <summary>Durations in keel.yaml: one or more <c>&lt;number&gt;&lt;unit&gt;</c> parts, units ms, s, m, h, d (<c>500ms</c>, <c>30s</c>, <c>1h30m</c>).</summary>
internal static partial class PipelineDuration
{
    public const string Expected = "expected a duration such as 500ms, 30s, 10m or 1h";

    /// <summary>The duration, or null when <paramref name="text"/> is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        var match = Shape().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var total = TimeSpan.Zero;
        var parts = match.Groups["n"].Captures;
        var units = match.Groups["u"].Captures;
        for (var i = 0; i < parts.Count; i++)
        {
            var count = double.Parse(parts[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            if (count > 1_000_000)
            {
                return null;
            }
            total += units[i].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(count),
                "s" => TimeSpan.FromSeconds(count),
                "m" => TimeSpan.FromMinutes(count),
                "h" => TimeSpan.FromHours(count),
                _ => TimeSpan.FromDays(count),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^(?:(?<n>[0-9]+(?:\.[0-9]+)?)(?<u>ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
