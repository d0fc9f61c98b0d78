using System.Text.Json;

namespace Keel.Core.Models.Packages;

/// <summary>
/// One column of a column-based MLflow signature: its name (null in an unnamed, positional schema), its MLflow
/// type (<c>boolean</c>, <c>integer</c>, <c>long</c>, <c>float</c>, <c>double</c>, <c>string</c>, <c>binary</c>,
/// <c>datetime</c>, or <c>array</c>/<c>object</c>/<c>map</c>/<c>any</c>) and whether the input must hold it
/// (default true, as in MLflow).
/// </summary>
public sealed record ColumnSpec(string? Name, string Type, bool Required = true)
{
    /// <summary>
    /// The keys MLflow writes beside <c>type</c> for nested types (<c>items</c>, <c>properties</c>,
    /// <c>values</c>), kept verbatim so a signature Keel cannot score still round-trips. Empty for scalar types.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> TypeDetails { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The <see cref="Models.DataType"/> of <see cref="Type"/>, or null when Keel cannot hold it.</summary>
    public DataType? DataType => SignatureTypes.FromColumnType(Type);

    /// <summary>A required column spec for <paramref name="type"/>.</summary>
    public static ColumnSpec Of(string? name, DataType type) => new(name, SignatureTypes.ToColumnType(type));

    /// <summary>Equal when name, type, required flag and every type detail (compared as JSON) are equal.</summary>
    public bool Equals(ColumnSpec? other) =>
        other is not null && Name == other.Name && Type == other.Type && Required == other.Required
        && TypeDetails.Count == other.TypeDetails.Count
        && TypeDetails.All(d => other.TypeDetails.TryGetValue(d.Key, out var o) && JsonElement.DeepEquals(d.Value, o));

    public override int GetHashCode() => HashCode.Combine(Name, Type, Required, TypeDetails.Count);
}
