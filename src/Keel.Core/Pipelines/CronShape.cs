using System.Globalization;

namespace Keel.Core.Pipelines;

/// <summary>
/// Checks the shape of a 5-field cron expression (minute hour day-of-month month day-of-week, UTC) as Cronos reads it:
/// <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c> and <c>a-b/n</c>, lists, month and day names, <c>?</c> in
/// the day fields, and the macros <c>@hourly</c>, <c>@daily</c>, <c>@midnight</c>, <c>@weekly</c>, <c>@monthly</c>,
/// <c>@yearly</c>, <c>@annually</c>. Core does not reference Cronos; the server computes the times.
/// </summary>
internal static class CronShape
{
    private static readonly string[] Macros = ["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"];
    private static readonly string[] FieldNames = ["minute", "hour", "day of month", "month", "day of week"];
    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    /// <summary>Null when <paramref name="expression"/> is valid, else the rule it breaks.</summary>
    public static string? Error(string expression)
    {
        var text = expression.Trim();
        if (text.StartsWith('@'))
        {
            return Macros.Contains(text.ToLowerInvariant(), StringComparer.Ordinal) ? null : $"unknown macro '{text}'; expected {string.Join(", ", Macros)}";
        }
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"'{expression}' has {fields.Length} fields; expected 5 (minute hour day-of-month month day-of-week, UTC) such as '0 3 * * *'";
        }
        for (var i = 0; i < 5; i++)
        {
            if (FieldError(fields[i], i) is { } error)
            {
                return $"'{expression}': {FieldNames[i]} field '{fields[i]}': {error}";
            }
        }
        return null;
    }

    private static string? FieldError(string field, int index)
    {
        if (field == "?" && index is 2 or 4)
        {
            return null;
        }
        foreach (var item in field.Split(','))
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var range = slash < 0 ? item : item[..slash];
            if (slash >= 0)
            {
                var step = item[(slash + 1)..];
                if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > Ranges[index].Max + 1)
                {
                    return $"step '{step}' must be a whole number from 1 to {Ranges[index].Max + 1}";
                }
            }
            if (range == "*")
            {
                continue;
            }
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var low = Value(dash < 0 ? range : range[..dash], index);
            var high = dash < 0 ? low : Value(range[(dash + 1)..], index);
            if (low is null || high is null)
            {
                return $"'{item}' is not a number from {Ranges[index].Min} to {Ranges[index].Max}{(index == 3 ? " or a month name" : index == 4 ? " or a day name" : "")}";
            }
            if (low > high)
            {
                return $"range '{range}' runs backwards";
            }
        }
        return null;
    }

    private static int? Value(string text, int index)
    {
        var names = index == 3 ? Months : index == 4 ? Days : [];
        var named = Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (named >= 0)
        {
            return index == 3 ? named + 1 : named;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= Ranges[index].Min && value <= Ranges[index].Max
            ? value
            : null;
    }
}
