using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Serving.Grpc.Protocol;
using InputTensor = Keel.Serving.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor;

namespace Keel.Serving.Grpc;

/// <summary>
/// Turns a ModelInfer request's input tensors into the batch the served model reads: every input the model takes,
/// no other, one batch size, row shapes and datatypes the columns accept. Each refusal throws
/// INVALID_PARAMETER_VALUE naming the input.
/// </summary>
internal static class OipInputReader
{
    public static DataBatch Read(ModelInferRequest request, IReadOnlyList<ColumnSchema> inputs)
    {
        var byName = inputs.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw KeelException.InvalidParameter(
                $"raw_input_contents has {request.RawInputContents.Count} entries for {request.Inputs.Count} inputs; send one per input, in the order of inputs.");
        }

        CheckNames(request, byName, inputs);
        var columns = new List<DataColumn>(request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            var column = byName[input.Name];
            if (raw && HasValues(input.Contents))
            {
                throw KeelException.InvalidParameter(
                    $"Input '{input.Name}' has contents while the request carries raw_input_contents; send every input's values one way or the other.");
            }

            OipTensorDecoding.RequireAccepted(input.Name, input.Datatype, column.Type);
            var (rows, rowShape, count) = ReadShape(input, column);
            var values = raw
                ? OipTensorDecoding.DecodeRaw(input.Name, input.Datatype, input.Shape, request.RawInputContents[i].Span, count)
                : OipTensorDecoding.DecodeTyped(input.Name, input.Datatype, input.Shape, input.Contents, count);
            var converted = OipTensorDecoding.Convert(values, column.Type);
            if (columns.Count > 0 && columns[0].RowCount != rows)
            {
                throw KeelException.InvalidParameter(
                    $"Input '{input.Name}' has {rows} rows (shape[0]) but input '{columns[0].Name}' has {columns[0].RowCount}; every input needs the same batch size.");
            }

            columns.Add(new DataColumn(input.Name, column.Type, converted, rowShape));
        }

        return new DataBatch(columns);
    }

    private static void CheckNames(ModelInferRequest request, Dictionary<string, ColumnSchema> byName, IReadOnlyList<ColumnSchema> inputs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in request.Inputs)
        {
            if (!byName.ContainsKey(input.Name))
            {
                throw KeelException.InvalidParameter(
                    $"The model has no input '{input.Name}'; it takes {string.Join(", ", inputs.Select(c => $"'{c.Name}'"))}.");
            }

            if (!seen.Add(input.Name))
            {
                throw KeelException.InvalidParameter($"Input '{input.Name}' appears twice.");
            }
        }

        var missing = inputs.Where(c => !seen.Contains(c.Name)).Select(c => $"'{c.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"Missing input{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}; the model takes {string.Join(", ", inputs.Select(c => $"'{c.Name}'"))}.");
        }
    }

    private static bool HasValues(InferTensorContents? contents) => contents is not null && (
        contents.BoolContents.Count + contents.IntContents.Count + contents.Int64Contents.Count + contents.UintContents.Count
        + contents.Uint64Contents.Count + contents.Fp32Contents.Count + contents.Fp64Contents.Count + contents.BytesContents.Count) > 0;

    // shape[0] is the batch; the rest must be the column's row shape (-1 there takes any size). A scalar column
    // also takes [N, 1], the shape most clients send for one feature.
    private static (int Rows, int[] RowShape, int Count) ReadShape(InputTensor input, ColumnSchema column)
    {
        var shape = input.Shape;
        if (shape.Count == 0 || shape.Any(d => d < 0) || shape[0] > Array.MaxLength)
        {
            throw KeelException.InvalidParameter(
                $"Input '{input.Name}' has shape {Format(shape)}; give [batch, ...row shape] with every dimension 0 or more.");
        }

        var rows = (int)shape[0];
        var rest = shape.Skip(1).ToList();
        int[] rowShape;
        if (column.RowShape.Count == 0)
        {
            if (rest.Count > 1 || (rest.Count == 1 && rest[0] != 1))
            {
                throw KeelException.InvalidParameter(
                    $"Input '{input.Name}' has shape {Format(shape)}; the model takes one value per row there, shape [{rows}] or [{rows}, 1].");
            }

            rowShape = [];
        }
        else
        {
            var fits = rest.Count == column.RowShape.Count
                && rest.Zip(column.RowShape).All(p => p.Second == -1 ? p.First is >= 1 and <= int.MaxValue : p.First == p.Second);
            if (!fits)
            {
                throw KeelException.InvalidParameter(
                    $"Input '{input.Name}' has shape {Format(shape)}; the model takes {Format([-1, .. column.RowShape.Select(d => (long)d)])} there (-1: any size).");
            }

            rowShape = [.. rest.Select(d => (int)d)];
        }

        var count = shape.Aggregate(1.0, (product, d) => product * d);
        if (count > Array.MaxLength)
        {
            throw KeelException.InvalidParameter($"Input '{input.Name}' has shape {Format(shape)}: more values than one request can hold.");
        }

        return (rows, rowShape, (int)count);
    }

    internal static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
