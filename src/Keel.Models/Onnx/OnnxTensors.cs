using Keel.Core.Common;
using Keel.Core.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Keel.Models.Onnx;

/// <summary>Moves Keel columns into ONNX Runtime tensors and back.</summary>
internal static class OnnxTensors
{
    public static DataType? DataTypeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float => DataType.Float32,
        TensorElementType.Double => DataType.Float64,
        TensorElementType.Int32 => DataType.Int32,
        TensorElementType.Int64 => DataType.Int64,
        TensorElementType.Bool => DataType.Boolean,
        TensorElementType.String => DataType.String,
        _ => null,
    };

    /// <summary>Wraps the batch's column for <paramref name="input"/> as a tensor of shape [N, ...row shape].</summary>
    public static OrtValue ToOrtValue(ColumnSchema input, DataBatch batch)
    {
        var column = batch.Find(input.Name)
            ?? throw KeelException.InvalidParameter($"The batch has no column '{input.Name}'; the model reads it as {Describe(input.Type, input.RowShape)} per row.");
        if (column.Type != input.Type)
        {
            throw KeelException.InvalidParameter(
                $"Column '{input.Name}' holds {Describe(column.Type, column.RowShape)} per row, but the model reads {Describe(input.Type, input.RowShape)}.");
        }

        var shape = TensorShape(input.RowShape, column)
            ?? throw KeelException.InvalidParameter(
                $"Column '{input.Name}' has rows of shape {Shape(column.RowShape)}, but the model reads {Describe(input.Type, input.RowShape)}.");
        return column.Values switch
        {
            // Numeric and bool arrays are pinned and handed to ONNX Runtime as they are: no copy.
            float[] values => OrtValue.CreateTensorValueFromMemory(values, shape),
            double[] values => OrtValue.CreateTensorValueFromMemory(values, shape),
            int[] values => OrtValue.CreateTensorValueFromMemory(values, shape),
            long[] values => OrtValue.CreateTensorValueFromMemory(values, shape),
            bool[] values => OrtValue.CreateTensorValueFromMemory(values, shape),
            string[] values => Strings(values, shape),
            _ => throw new ArgumentException($"Column '{column.Name}' holds a {column.Values.GetType().Name}.", nameof(batch)),
        };
    }

    /// <summary>Copies one output tensor into a column; [N] and [N, 1] become scalar columns when the schema says so.</summary>
    public static DataColumn ToColumn(ColumnSchema output, OrtValue value, int rowCount)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        var rowShape = shape.Skip(1).Select(d => checked((int)d)).ToArray();
        if (shape.Length == 0 || shape[0] != rowCount || (rowCount > 0 && rowShape.Any(d => d <= 0)))
        {
            throw new KeelException(ErrorCode.InternalError,
                $"Model output '{output.Name}' has shape {Shape([.. shape.Select(d => (int)d)])}, not one row for each of the {rowCount} input rows.");
        }

        if (output.RowShape.Count == 0 && rowShape.All(d => d == 1))
        {
            rowShape = [];
        }

        Array values = output.Type switch
        {
            DataType.Float32 => value.GetTensorDataAsSpan<float>().ToArray(),
            DataType.Float64 => value.GetTensorDataAsSpan<double>().ToArray(),
            DataType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            DataType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
            DataType.Boolean => value.GetTensorDataAsSpan<bool>().ToArray(),
            DataType.String => value.GetStringTensorAsArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(output), output.Type, "unknown data type"),
        };
        return new DataColumn(output.Name, output.Type, values, rowCount == 0 ? null : rowShape);
    }

    private static long[]? TensorShape(IReadOnlyList<int> expected, DataColumn column)
    {
        IReadOnlyList<int> given = column.RowShape;

        // One value per row fits either way: a scalar column feeds an [N, 1] input and a [1] column an [N] one.
        if (given.Count == 0 && expected is [1 or -1])
        {
            given = [1];
        }
        else if (expected.Count == 0 && given is [1])
        {
            given = [];
        }

        if (given.Count != expected.Count)
        {
            return null;
        }

        for (var i = 0; i < given.Count; i++)
        {
            if (expected[i] != -1 && expected[i] != given[i])
            {
                return null;
            }
        }

        return [column.RowCount, .. given.Select(d => (long)d)];
    }

    private static OrtValue Strings(string[] values, long[] shape)
    {
        var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        for (var i = 0; i < values.Length; i++)
        {
            tensor.StringTensorSetElementAt((values[i] ?? string.Empty).AsSpan(), i);
        }

        return tensor;
    }

    private static string Describe(DataType type, IReadOnlyList<int> rowShape) =>
        rowShape.Count == 0 ? $"a {type} scalar" : $"{type} of shape {Shape(rowShape)}";

    private static string Shape(IReadOnlyList<int> shape) =>
        "[" + string.Join(", ", shape.Select(d => d == -1 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
