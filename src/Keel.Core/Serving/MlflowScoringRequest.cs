using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Serving;

/// <summary>
/// Reads the body of an MLflow <c>/invocations</c> request into the rows a model scores. JSON bodies carry exactly
/// one of <c>dataframe_split</c>, <c>dataframe_records</c>, <c>instances</c> or <c>inputs</c>, plus an optional
/// <c>params</c> object; CSV bodies carry a header row and one line per row.
/// </summary>
public static class MlflowScoringRequest
{
    public const string JsonContentType = "application/json";
    public const string CsvContentType = "text/csv";

    public const string DataFrameSplit = "dataframe_split";
    public const string DataFrameRecords = "dataframe_records";
    public const string Instances = "instances";
    public const string Inputs = "inputs";
    public const string Params = "params";

    /// <summary>The content types /invocations accepts; a <c>charset</c> parameter is ignored (bodies are UTF-8).</summary>
    public static IReadOnlyList<string> ContentTypes { get; } = [JsonContentType, CsvContentType];

    /// <summary>The JSON fields that carry the input; a request holds exactly one of them.</summary>
    public static IReadOnlyList<string> InputFields { get; } = [DataFrameSplit, DataFrameRecords, Instances, Inputs];

    /// <summary>
    /// Parses <paramref name="body"/> as <paramref name="contentType"/> into the columns <paramref name="inputs"/>
    /// names, converting each value to its column's type when nothing is lost (1 fits a float, 1.5 does not fit
    /// an integer). Columns the model does not read are ignored. Any bad input — an unsupported content type,
    /// malformed JSON or CSV, a missing column, a value of the wrong kind, no rows — throws
    /// <see cref="KeelException"/> INVALID_PARAMETER_VALUE naming the field, column or input.
    /// </summary>
    public static ScoringRequest Parse(ReadOnlySpan<byte> body, string? contentType, IReadOnlyList<ColumnSchema> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var mediaType = MediaType(contentType);
        ScoringRequest request;
        if (mediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            request = DataFrameSplitFastPath.TryRead(body, inputs, out var fast) ? fast! : ParseJson(body, inputs);
        }
        else if (mediaType.Equals(CsvContentType, StringComparison.OrdinalIgnoreCase))
        {
            request = new ScoringRequest(ScoringCsv.Read(body, inputs), null);
        }
        else
        {
            var given = string.IsNullOrWhiteSpace(contentType) ? "no content type" : $"content type '{contentType}'";
            throw KeelException.InvalidParameter(
                $"The scoring server accepts only the content types {string.Join(" and ", ContentTypes)}; the request has {given}.");
        }

        return request.Batch.RowCount > 0
            ? request
            : throw KeelException.InvalidParameter("The input has no rows; send at least one row to score.");
    }

    private static ReadOnlySpan<char> MediaType(string? contentType)
    {
        var value = contentType.AsSpan();
        var parameters = value.IndexOf(';');
        return (parameters < 0 ? value : value[..parameters]).Trim();
    }

    private static ScoringRequest ParseJson(ReadOnlySpan<byte> body, IReadOnlyList<ColumnSchema> inputs)
    {
        using var document = JsonBytes.Parse(body, "The request body");
        var root = document.RootElement;
        var accepted = string.Join(", ", InputFields);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw KeelException.InvalidParameter(
                $"The input must be a JSON object with exactly one of the input fields {accepted}; got {JsonCells.Describe(root)}.");
        }

        var names = root.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
        var unknown = names.Where(n => n != Params && !InputFields.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"Unknown field(s) {JsonBytes.Quoted(unknown)} in the input; it takes exactly one of the input fields {accepted}, and optionally '{Params}'.");
        }

        var formats = names.Where(InputFields.Contains).ToList();
        if (formats.Count != 1)
        {
            var got = formats.Count == 0 ? "none of them" : JsonBytes.Quoted(formats);
            throw KeelException.InvalidParameter(
                $"The input must have exactly one of the input fields {accepted}; got {got}.");
        }

        JsonElement? parameters = null;
        if (root.TryGetProperty(Params, out var p))
        {
            parameters = p.ValueKind == JsonValueKind.Object
                ? p.Clone()
                : throw KeelException.InvalidParameter($"'{Params}' must be a JSON object of parameter → value, not {JsonCells.Describe(p)}.");
        }

        var data = root.GetProperty(formats[0]);
        var batch = formats[0] switch
        {
            DataFrameSplit => ReadSplit(data, inputs),
            DataFrameRecords => ReadRecords(data, DataFrameRecords, inputs),
            Instances => ReadInstances(data, inputs),
            _ => ReadInputs(data, inputs),
        };
        return new ScoringRequest(batch, parameters);
    }

    private static DataBatch ReadSplit(JsonElement split, IReadOnlyList<ColumnSchema> inputs)
    {
        if (split.ValueKind == JsonValueKind.Object && split.TryGetProperty("columns", out var columns) && columns.ValueKind == JsonValueKind.Array)
        {
            var given = columns.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.ToString()).ToHashSet(StringComparer.Ordinal);
            ThrowIfMissing(inputs, given, $"'{DataFrameSplit}.columns'");
        }

        // The optional 'index' is ignored: rows are scored in the order given.
        return DataFrameSplitJson.Read(split, inputs);
    }

    private static DataBatch ReadInstances(JsonElement instances, IReadOnlyList<ColumnSchema> inputs)
    {
        if (instances.ValueKind == JsonValueKind.Array && instances.GetArrayLength() > 0
            && instances.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object))
        {
            // tf-serving's row format: one object of named values per instance.
            return ReadRecords(instances, Instances, inputs);
        }

        return instances.ValueKind == JsonValueKind.Array
            ? TensorInputsJson.ReadInputs(instances, inputs)
            : throw KeelException.InvalidParameter(
                $"'{Instances}' must be a list of instances (objects of input → value, or values of the only input), not {JsonCells.Describe(instances)}.");
    }

    private static DataBatch ReadInputs(JsonElement tensors, IReadOnlyList<ColumnSchema> inputs)
    {
        if (tensors.ValueKind == JsonValueKind.Object)
        {
            ThrowIfMissing(inputs, tensors.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal), $"'{Inputs}'");
        }

        return TensorInputsJson.ReadInputs(tensors, inputs);
    }

    // Rows of {column: value}; each column's values are then read like a named tensor, so a cell may be a nested array.
    private static DataBatch ReadRecords(JsonElement records, string field, IReadOnlyList<ColumnSchema> inputs)
    {
        if (records.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter($"'{field}' must be a list of records {{column: value}}, not {JsonCells.Describe(records)}.");
        }

        var rows = records.EnumerateArray().ToList();
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].ValueKind != JsonValueKind.Object)
            {
                throw KeelException.InvalidParameter($"Record {r} of '{field}' must be an object of column → value, not {JsonCells.Describe(rows[r])}.");
            }
        }

        if (rows.Count == 0)
        {
            return new DataBatch([]);
        }

        var given = rows.SelectMany(row => row.EnumerateObject().Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        ThrowIfMissing(inputs, given, $"'{field}'");
        return new DataBatch([.. inputs.Select(column => TensorInputsJson.ReadColumn(column, [.. rows.Select((row, r) => Cell(row, r, column, field))]))]);
    }

    private static JsonElement Cell(JsonElement row, int index, ColumnSchema column, string field) =>
        row.TryGetProperty(column.Name, out var cell)
            ? cell
            : throw KeelException.InvalidParameter($"Record {index} of '{field}' has no value for column '{column.Name}'.");

    internal static void ThrowIfMissing(IReadOnlyList<ColumnSchema> inputs, IReadOnlySet<string> given, string where)
    {
        var missing = inputs.Where(c => !given.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"The input is missing column(s) {JsonBytes.Quoted(missing)} in {where}; the model reads {string.Join(", ", inputs.Select(c => c.Name))}.");
        }
    }
}
