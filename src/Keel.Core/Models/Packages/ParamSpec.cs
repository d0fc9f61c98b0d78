using System.Text.Json;

namespace Keel.Core.Models.Packages;

/// <summary>
/// One inference parameter of an MLflow signature: its name, MLflow type (<c>string</c>, <c>double</c>,
/// <c>boolean</c> …), default value as JSON, and shape (null for a scalar, <c>[-1]</c> for a list).
/// </summary>
public sealed record ParamSpec(string Name, string Type, JsonElement Default, IReadOnlyList<long>? Shape = null)
{
    /// <summary>Equal when name, type, default (compared as JSON) and shape are equal.</summary>
    public bool Equals(ParamSpec? other) =>
        other is not null && Name == other.Name && Type == other.Type
        && (Default.ValueKind == other.Default.ValueKind && (Default.ValueKind == JsonValueKind.Undefined || JsonElement.DeepEquals(Default, other.Default)))
        && (Shape is null ? other.Shape is null : other.Shape is not null && Shape.SequenceEqual(other.Shape));

    public override int GetHashCode() => HashCode.Combine(Name, Type, Shape?.Count);
}
