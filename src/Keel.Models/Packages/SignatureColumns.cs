using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Models.Packages;

/// <summary>Between MLflow signature schemas and the column schemas predictors speak.</summary>
internal static class SignatureColumns
{
    /// <summary>
    /// The signature's inputs as column schemas (unnamed entries take the runtime's names by position), or null
    /// when a type has no Keel equivalent and the runtime's own description is the better one.
    /// </summary>
    public static IReadOnlyList<ColumnSchema>? ToColumnSchemas(SignatureSchema schema, IReadOnlyList<ColumnSchema> runtimeInputs)
    {
        var columns = new List<ColumnSchema>();
        if (schema.IsTensorBased)
        {
            for (var i = 0; i < schema.Tensors.Count; i++)
            {
                var tensor = schema.Tensors[i];
                if (tensor.DataType is not { } type || NameOf(tensor.Name, i, runtimeInputs) is not { } name)
                {
                    return null;
                }

                columns.Add(new ColumnSchema(name, type, [.. tensor.Shape.Skip(1).Select(d => (int)d)]));
            }

            return columns;
        }

        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            if (column.DataType is not { } type || NameOf(column.Name, i, runtimeInputs) is not { } name)
            {
                return null;
            }

            columns.Add(ColumnSchema.Scalar(name, type));
        }

        return columns;
    }

    /// <summary>A signature part describing <paramref name="columns"/>: tensor-based when any holds a tensor per row.</summary>
    public static SignatureSchema FromColumnSchemas(IReadOnlyList<ColumnSchema> columns) => SignatureSchema.FromColumns(columns);

    private static string? NameOf(string? name, int index, IReadOnlyList<ColumnSchema> runtimeInputs) =>
        name ?? (index < runtimeInputs.Count ? runtimeInputs[index].Name : null);
}
