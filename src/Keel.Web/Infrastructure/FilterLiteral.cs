namespace Keel.Web.Infrastructure;

/// <summary>Writes values and keys in MLflow's search grammar (the UI builds filters and order_by clauses from clicks).</summary>
public static class FilterLiteral
{
    /// <summary>A string literal: single-quoted, inner quotes doubled.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A key such as <c>metrics.`val loss`</c>: the name backticked, inner backticks doubled.</summary>
    public static string Key(string entity, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return $"{entity}.`{name.Replace("`", "``", StringComparison.Ordinal)}`";
    }
}
