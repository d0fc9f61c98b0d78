using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>
/// Checks a client's batch against a model signature's inputs, as MLflow's schema enforcement does before
/// scoring.
/// </summary>
public static class SignatureValidator
{
    /// <summary>
    /// Returns <paramref name="batch"/> reduced to the signature's columns, in the signature's order, each with
    /// exactly the signature's type. Named specs match columns by name and extra columns are dropped (MLflow
    /// ignores them); unnamed specs match by position and need exactly as many columns. A column of a narrower
    /// type is converted when no value can change (Int32 to Int64 or Float64, Float32 to Float64); any other
    /// type difference is an error. Tensor specs also need the row shape to match every fixed dimension after
    /// the first (-1 matches any size). Throws one <see cref="KeelException"/> (INVALID_PARAMETER_VALUE) listing
    /// every missing required column, wrong type and wrong shape, and an empty batch.
    /// </summary>
    public static DataBatch Conform(SignatureSchema inputs, DataBatch batch)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(batch);
        var problems = new List<string>();
        if (batch.RowCount == 0)
        {
            problems.Add("The input has no rows.");
        }

        var specs = inputs.IsTensorBased
            ? inputs.Tensors.Select(t => new Spec(t.Name, t.Dtype, t.DataType, Required: true, t))
            : inputs.Columns.Select(c => new Spec(c.Name, c.Type, c.DataType, c.Required, Tensor: null));
        var specList = specs.ToList();
        if (!inputs.HasNames && batch.Columns.Count != specList.Count)
        {
            problems.Add($"The signature has {specList.Count} unnamed input(s), matched by position; the input has {batch.Columns.Count} column(s).");
        }

        var conformed = new List<DataColumn>(specList.Count);
        for (var i = 0; i < specList.Count; i++)
        {
            var spec = specList[i];
            var column = spec.Name is not null ? batch.Find(spec.Name)
                : inputs.HasNames || batch.Columns.Count != specList.Count ? null
                : batch.Columns[i];
            var label = spec.Name is not null ? $"Column '{spec.Name}'" : $"Input #{i + 1}";
            if (column is null)
            {
                if (spec.Required && spec.Name is not null)
                {
                    problems.Add($"{label}: expected {Describe(spec)}, got nothing (the column is missing).");
                }
                continue;
            }
            if (CheckColumn(spec, column, batch.RowCount) is { } problem)
            {
                problems.Add($"{label}: {problem}");
                continue;
            }
            conformed.Add(SafeWidening.Widen(column, spec.Name ?? column.Name, spec.DataType!.Value));
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter($"The input does not match the model's signature. {string.Join(" ", problems)}");
        }
        return new DataBatch(conformed);
    }

    // Null when the column fits the spec; otherwise what was expected and what was given.
    private static string? CheckColumn(Spec spec, DataColumn column, int rowCount)
    {
        if (spec.DataType is null)
        {
            return $"the signature's type {spec.Type} is not supported by Keel.";
        }
        var typeFits = SafeWidening.IsAllowed(column.Type, spec.DataType.Value);
        var shapeFits = spec.Tensor is { } tensor ? ShapeFits(tensor.Shape, column.RowShape, rowCount) : column.RowShape.Count == 0;
        return typeFits && shapeFits ? null : $"expected {Describe(spec)}, got {Describe(spec, column)}.";
    }

    private static bool ShapeFits(IReadOnlyList<long> shape, IReadOnlyList<int> rowShape, int rowCount)
    {
        if (shape.Count == 0 || shape.Count != rowShape.Count + 1 || (shape[0] != -1 && shape[0] != rowCount))
        {
            return false;
        }
        for (var d = 0; d < rowShape.Count; d++)
        {
            if (shape[d + 1] != -1 && shape[d + 1] != rowShape[d])
            {
                return false;
            }
        }
        return true;
    }

    private static string Describe(Spec spec) => spec.Tensor is { } tensor ? $"{tensor.Dtype} with shape {tensor.ShapeText}" : spec.Type;

    private static string Describe(Spec spec, DataColumn column) => spec.Tensor is not null
        ? $"{SignatureTypes.ToDtype(column.Type)} with shape [{string.Join(", ", column.RowShape.Prepend(column.RowCount))}]"
        : column.RowShape.Count == 0
            ? SignatureTypes.ToColumnType(column.Type)
            : $"{SignatureTypes.ToColumnType(column.Type)} rows of shape [{string.Join(", ", column.RowShape)}]";

    private sealed record Spec(string? Name, string Type, DataType? DataType, bool Required, TensorSpec? Tensor);
}
