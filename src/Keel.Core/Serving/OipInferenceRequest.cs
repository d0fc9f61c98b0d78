using System.Globalization;
using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Serving;

/// <summary>
/// An Open Inference Protocol v2 inference request (REST/JSON):
/// <c>{"id"?, "parameters"?, "inputs": [{"name", "shape", "datatype", "parameters"?, "data"}], "outputs"?: [{"name"}]}</c>.
/// </summary>
/// <param name="Id">The client's request id, echoed in the response; null when absent.</param>
/// <param name="Batch">One column per input tensor, in the model's input order.</param>
/// <param name="RequestedOutputs">The outputs the client asked for, in its order; empty means all of them.</param>
/// <param name="Parameters">The request's <c>parameters</c> object, detached from the body; null when absent.</param>
public sealed record OipInferenceRequest(string? Id, DataBatch Batch, IReadOnlyList<string> RequestedOutputs, JsonElement? Parameters)
{
    /// <summary>
    /// Parses <paramref name="body"/> against the model's <paramref name="inputs"/>. Each input tensor becomes one
    /// column: <c>shape[0]</c> is the batch size and the rest must fit the column's row shape (a scalar column takes
    /// <c>[N]</c> or <c>[N, 1]</c>); <c>data</c> is row-major, flat or nested, and holds exactly the product of the shape
    /// values. The datatype must match the column or widen into it (<see cref="OipDataTypes.CanFeed"/>). Unknown,
    /// missing or duplicate inputs, uneven batch sizes, no rows and malformed JSON throw <see cref="KeelException"/>
    /// INVALID_PARAMETER_VALUE naming the input.
    /// </summary>
    public static OipInferenceRequest Parse(ReadOnlySpan<byte> body, IReadOnlyList<ColumnSchema> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var document = JsonBytes.Parse(body, "The inference request");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw KeelException.InvalidParameter($"The inference request must be a JSON object, not {JsonCells.Describe(root)}.");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()
                : throw KeelException.InvalidParameter($"The request's 'id' must be a string, not {JsonCells.Describe(idElement)}.");
        }

        JsonElement? parameters = null;
        if (root.TryGetProperty("parameters", out var p))
        {
            parameters = p.ValueKind == JsonValueKind.Object
                ? p.Clone()
                : throw KeelException.InvalidParameter($"The request's 'parameters' must be an object, not {JsonCells.Describe(p)}.");
        }

        var tensors = Tensors(root, inputs);
        var columns = inputs.Select(column => OipTensors.Read(tensors[column.Name], column)).ToList();
        var first = columns.FirstOrDefault();
        var uneven = columns.FirstOrDefault(c => c.RowCount != first!.RowCount);
        if (uneven is not null)
        {
            throw KeelException.InvalidParameter(
                $"Input '{uneven.Name}' has batch size {uneven.RowCount} (shape[0]), but input '{first!.Name}' has {first.RowCount}; every input needs the same batch size.");
        }

        if (first is null || first.RowCount == 0)
        {
            throw KeelException.InvalidParameter("The input has no rows: every input's shape[0] is 0; send at least one row to score.");
        }

        return new OipInferenceRequest(id, new DataBatch(columns), ReadRequestedOutputs(root), parameters);
    }

    private static Dictionary<string, JsonElement> Tensors(JsonElement root, IReadOnlyList<ColumnSchema> inputs)
    {
        if (!root.TryGetProperty("inputs", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter("The inference request needs an 'inputs' array of tensors {name, shape, datatype, data}.");
        }

        var tensors = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var index = 0;
        foreach (var tensor in list.EnumerateArray())
        {
            if (tensor.ValueKind != JsonValueKind.Object || !tensor.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw KeelException.InvalidParameter($"inputs[{index}] must be an object with a 'name' string.");
            }

            if (!tensors.TryAdd(name.GetString()!, tensor))
            {
                throw KeelException.InvalidParameter($"Input '{name.GetString()}' appears twice in 'inputs'.");
            }

            index++;
        }

        var expected = string.Join(", ", inputs.Select(c => c.Name));
        var unknown = tensors.Keys.Where(n => !inputs.Any(c => c.Name == n)).ToList();
        if (unknown.Count > 0)
        {
            throw KeelException.InvalidParameter($"Unknown input(s) {JsonBytes.Quoted(unknown)}; the model's inputs are {expected}.");
        }

        var missing = inputs.Where(c => !tensors.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        return missing.Count == 0
            ? tensors
            : throw KeelException.InvalidParameter($"Missing input(s) {JsonBytes.Quoted(missing)}; the model's inputs are {expected}.");
    }

    private static List<string> ReadRequestedOutputs(JsonElement root)
    {
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return [];
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter($"The request's 'outputs' must be an array of {{name}} objects, not {JsonCells.Describe(outputs)}.");
        }

        var names = new List<string>();
        foreach (var (output, i) in outputs.EnumerateArray().Select((o, i) => (o, i)))
        {
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw KeelException.InvalidParameter($"outputs[{i.ToString(CultureInfo.InvariantCulture)}] must be an object with a 'name' string.");
            }

            names.Add(name.GetString()!);
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}
