namespace Keel.Core.Models.Packages;

/// <summary>
/// One tensor of a tensor-based MLflow signature: its name (null in an unnamed schema), numpy dtype
/// (<c>float32</c>, <c>int64</c>, <c>str</c> …) and shape, where -1 marks a free dimension; the first dimension
/// is the batch (usually -1).
/// </summary>
public sealed record TensorSpec(string? Name, string Dtype, IReadOnlyList<long> Shape)
{
    /// <summary>The <see cref="Models.DataType"/> of <see cref="Dtype"/>, or null when Keel cannot hold it.</summary>
    public DataType? DataType => SignatureTypes.FromDtype(Dtype);

    /// <summary>The shape as MLflow writes it, e.g. <c>[-1, 4]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <summary>Equal when name, dtype and every dimension are equal.</summary>
    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && Dtype == other.Dtype && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(Name, Dtype, Shape.Count);
}
