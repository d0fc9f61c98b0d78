using System.Text;

namespace Keel.Web.Infrastructure;

/// <summary>Builds the UI's shareable URLs: every filter, sort, page and selection lives in the query string.</summary>
public static class QueryStrings
{
    /// <summary><paramref name="path"/> with the non-empty <paramref name="parameters"/>, each value URL-encoded.</summary>
    public static string Build(string path, params (string Name, string? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }

    /// <summary>Values given as <c>a,b</c>, as repeated parameters, or both; blanks dropped, order kept, duplicates removed.</summary>
    public static IReadOnlyList<string> SplitList(IEnumerable<string?>? values) =>
        values is null
            ? []
            : values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
}
