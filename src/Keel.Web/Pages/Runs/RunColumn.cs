namespace Keel.Web.Pages.Runs;

/// <summary>Which values a chosen runs-table column shows.</summary>
public enum RunColumnKind
{
    Metric,
    Param,
    Tag,
}

/// <summary>
/// A chosen column of the runs table, written in URLs as the search grammar's key without quotes:
/// <c>metrics.acc</c>, <c>params.lr</c>, <c>tags.team</c> (the key is everything after the first dot).
/// </summary>
public sealed record RunColumn(RunColumnKind Kind, string Key)
{
    public string Entity => Kind switch
    {
        RunColumnKind.Metric => "metrics",
        RunColumnKind.Param => "params",
        _ => "tags",
    };

    /// <summary>The column's id in <c>cols=</c>.</summary>
    public string Id => $"{Entity}.{Key}";

    /// <summary>Parses an id from <c>cols=</c>; null for anything else (unknown columns are ignored, not errors).</summary>
    public static RunColumn? Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == id.Length - 1)
        {
            return null;
        }
        RunColumnKind? kind = id[..dot] switch
        {
            "metrics" => RunColumnKind.Metric,
            "params" => RunColumnKind.Param,
            "tags" => RunColumnKind.Tag,
            _ => null,
        };
        return kind is { } k ? new RunColumn(k, id[(dot + 1)..]) : null;
    }
}
