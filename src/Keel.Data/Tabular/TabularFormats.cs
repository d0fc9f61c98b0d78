namespace Keel.Data.Tabular;

internal enum TabularFormat
{
    Csv,
    Parquet,
}

/// <summary>Which files Keel reads as tables: <c>.csv</c> (with a header row) and <c>.parquet</c>, by extension.</summary>
public static class TabularFormats
{
    public static bool IsTabular(string path) => FormatOf(path) is not null;

    internal static TabularFormat? FormatOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => TabularFormat.Csv,
        ".PARQUET" => TabularFormat.Parquet,
        _ => null,
    };
}
