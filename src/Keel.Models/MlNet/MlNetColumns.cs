using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MlNet;

/// <summary>How ML.NET column types map onto Keel's <see cref="ColumnSchema"/>.</summary>
internal static class MlNetColumns
{
    // ML.NET's annotation kind for a key column's values (AnnotationUtils.Kinds.KeyValues is not public).
    public const string KeyValuesKind = "KeyValues";

    /// <summary>The Keel type of an ML.NET item type, or null when Keel has no such type (keys, dates, UInt32 …).</summary>
    public static DataType? ItemType(DataViewType type) => type switch
    {
        KeyDataViewType => null,
        BooleanDataViewType => DataType.Boolean,
        TextDataViewType => DataType.String,
        NumberDataViewType when type.RawType == typeof(float) => DataType.Float32,
        NumberDataViewType when type.RawType == typeof(double) => DataType.Float64,
        NumberDataViewType when type.RawType == typeof(int) => DataType.Int32,
        NumberDataViewType when type.RawType == typeof(long) => DataType.Int64,
        _ => null,
    };

    /// <summary>
    /// A scalar or known-size vector column of a supported item type as a Keel schema (a vector of k values has
    /// row shape [k]); null for anything else.
    /// </summary>
    public static ColumnSchema? ToSchema(DataViewSchema.Column column) => column.Type switch
    {
        VectorDataViewType vector when vector.IsKnownSize && ItemType(vector.ItemType) is { } item =>
            new ColumnSchema(column.Name, item, [vector.Size]),
        VectorDataViewType => null,
        _ when ItemType(column.Type) is { } item => ColumnSchema.Scalar(column.Name, item),
        _ => null,
    };

    /// <summary>
    /// An output column as Keel returns it: like <see cref="ToSchema"/>, and a scalar key column becomes its value
    /// (the key's annotated value type) so a multiclass PredictedLabel reads as the original label.
    /// </summary>
    public static ColumnSchema? ToOutputSchema(DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType && column.Type.RawType == typeof(uint)
            && KeyValuesType(column) is { } values && values.IsKnownSize && ItemType(values.ItemType) is { } item)
        {
            return ColumnSchema.Scalar(column.Name, item);
        }

        return ToSchema(column);
    }

    public static VectorDataViewType? KeyValuesType(DataViewSchema.Column column) =>
        column.Annotations.Schema.GetColumnOrNull(KeyValuesKind)?.Type as VectorDataViewType;

    /// <summary>A schema as error messages name it: "Float32 scalar", "Float32 vector of 4".</summary>
    public static string Describe(ColumnSchema schema) =>
        schema.RowShape.Count == 0 ? $"{schema.Type} scalar" : $"{schema.Type} vector of {string.Join('x', schema.RowShape)}";
}
