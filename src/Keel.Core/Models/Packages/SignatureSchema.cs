using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>
/// The inputs or outputs of an MLflow signature: either columns (<see cref="Columns"/>) or tensors
/// (<see cref="Tensors"/>), never both, never empty; names are given for every entry or for none (then
/// entries match by position).
/// </summary>
public sealed class SignatureSchema
{
    private SignatureSchema(IReadOnlyList<ColumnSpec> columns, IReadOnlyList<TensorSpec> tensors)
    {
        Columns = columns;
        Tensors = tensors;
    }

    /// <summary>The column specs of a column-based schema; empty when <see cref="IsTensorBased"/>.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The tensor specs of a tensor-based schema; empty otherwise.</summary>
    public IReadOnlyList<TensorSpec> Tensors { get; }

    public bool IsTensorBased => Tensors.Count > 0;

    /// <summary>True when every entry has a name; false when entries match by position.</summary>
    public bool HasNames => IsTensorBased ? Tensors[0].Name is not null : Columns[0].Name is not null;

    /// <summary>A column-based schema. Throws INVALID_PARAMETER_VALUE when empty or names are mixed.</summary>
    public static SignatureSchema OfColumns(IEnumerable<ColumnSpec> columns)
    {
        var list = columns.ToList();
        CheckNames(list.Select(c => c.Name).ToList());
        return new(list, []);
    }

    /// <summary>A tensor-based schema. Throws INVALID_PARAMETER_VALUE when empty or names are mixed.</summary>
    public static SignatureSchema OfTensors(IEnumerable<TensorSpec> tensors)
    {
        var list = tensors.ToList();
        CheckNames(list.Select(t => t.Name).ToList());
        return new([], list);
    }

    /// <summary>
    /// The schema of a predictor's columns: required column specs when every column is scalar, otherwise tensor
    /// specs for all, each with shape <c>[-1, …row shape]</c>.
    /// </summary>
    public static SignatureSchema FromColumns(IEnumerable<ColumnSchema> columns)
    {
        var list = columns.ToList();
        return list.Any(c => c.RowShape.Count > 0)
            ? OfTensors(list.Select(c => new TensorSpec(c.Name, SignatureTypes.ToDtype(c.Type), [-1, .. c.RowShape.Select(d => (long)d)])))
            : OfColumns(list.Select(c => ColumnSpec.Of(c.Name, c.Type)));
    }

    /// <summary>Reads MLflow's JSON form (the text of <c>signature.inputs</c> in an MLmodel file).</summary>
    public static SignatureSchema Parse(string json) => SignatureJson.ParseSchema(json);

    /// <summary>MLflow's JSON form, exactly as the MLflow client writes it.</summary>
    public string ToJson() => SignatureJson.Write(this);

    public override string ToString() => ToJson();

    /// <summary>Equal when both hold the same specs in the same order.</summary>
    public override bool Equals(object? obj) =>
        obj is SignatureSchema other && Columns.SequenceEqual(other.Columns) && Tensors.SequenceEqual(other.Tensors);

    public override int GetHashCode() => HashCode.Combine(Columns.Count, Tensors.Count, IsTensorBased ? Tensors[0] : (object)Columns[0]);

    private static void CheckNames(List<string?> names)
    {
        if (names.Count == 0)
        {
            throw KeelException.InvalidParameter("A signature schema needs at least one column or tensor.");
        }
        if (names.Any(n => n is null) && names.Any(n => n is not null))
        {
            throw KeelException.InvalidParameter("A signature schema must name all of its columns or none of them.");
        }
        var twice = names.Where(n => n is not null).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw KeelException.InvalidParameter($"A signature schema names '{twice.Key}' twice.");
        }
    }
}
