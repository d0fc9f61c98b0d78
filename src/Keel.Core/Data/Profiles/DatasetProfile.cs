using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Common;

namespace Keel.Core.Data.Profiles;

/// <summary>
/// What a tabular dataset version looks like: its row count and one profile per column, in file order. Stored with
/// every dataset version; drift monitoring compares production traffic against it. The JSON form
/// (<see cref="ToJson"/>, snake_case) is the wire and storage form.
/// </summary>
public sealed record DatasetProfile(
    [property: JsonPropertyName("row_count")] long RowCount,
    [property: JsonPropertyName("columns")] IReadOnlyList<ColumnProfile> Columns)
{
    public string ToJson() => JsonSerializer.Serialize(this, ProfileJsonContext.Default.DatasetProfile);

    /// <summary>Reads a profile; malformed JSON throws INVALID_PARAMETER_VALUE naming <paramref name="field"/>.</summary>
    public static DatasetProfile Parse(string json, string field = "profile")
    {
        try
        {
            return JsonSerializer.Deserialize(json, ProfileJsonContext.Default.DatasetProfile)
                ?? throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected a profile object.");
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': {e.Message}");
        }
    }
}

/// <summary>
/// One column: its inferred <see cref="ColumnKinds"/> type, how many values (<see cref="Count"/>, nulls excluded) and
/// nulls it holds, and for numeric columns min/max/mean/std (population), a quantile sketch and a histogram; for
/// string and boolean columns the most frequent values. <see cref="Distinct"/> is exact up to the profiler's limit
/// and null above it.
/// </summary>
public sealed record ColumnProfile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("nulls")] long Nulls,
    [property: JsonPropertyName("distinct")] long? Distinct = null,
    [property: JsonPropertyName("min")] double? Min = null,
    [property: JsonPropertyName("max")] double? Max = null,
    [property: JsonPropertyName("mean")] double? Mean = null,
    [property: JsonPropertyName("std")] double? Std = null,
    [property: JsonPropertyName("quantiles")] IReadOnlyList<QuantilePoint>? Quantiles = null,
    [property: JsonPropertyName("histogram")] Histogram? Histogram = null,
    [property: JsonPropertyName("top_values")] IReadOnlyList<ValueCount>? TopValues = null);

/// <summary>The value below which a <see cref="Rank"/> share (0..1) of the column's values fall.</summary>
public sealed record QuantilePoint(
    [property: JsonPropertyName("q")] double Rank,
    [property: JsonPropertyName("value")] double Value);

/// <summary>
/// Counts per bin; <see cref="Edges"/> has one more entry than <see cref="Counts"/>. Bin i holds values in
/// [edges[i], edges[i+1]), the last bin also its upper edge.
/// </summary>
public sealed record Histogram(
    [property: JsonPropertyName("edges")] IReadOnlyList<double> Edges,
    [property: JsonPropertyName("counts")] IReadOnlyList<long> Counts);

/// <summary>A category and how many rows hold it.</summary>
public sealed record ValueCount(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("count")] long Count);

/// <summary>The column types a profile or schema names.</summary>
public static class ColumnKinds
{
    public const string Whole = "integer";
    public const string Real = "double";
    public const string Flag = "boolean";
    public const string Text = "string";
    public const string Timestamp = "datetime";

    public static bool IsNumeric(string type) => type is Whole or Real;
}

[JsonSerializable(typeof(DatasetProfile))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
