using Keel.Core.Common;
using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MlNet;

/// <summary>
/// Scores an ML.NET model saved with its input schema (<c>MLContext.Model.Save(model, inputSchema, path)</c>).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Inputs"/> lists only the columns the model cannot do without: a column of the saved input schema is
/// required when the model's output schema cannot be computed without it. The label a trainer was fitted on is
/// therefore optional for a binary classifier or a regression (the prediction transformer reads only the
/// features), while a pipeline that maps the label to a key (typical for multiclass) still asks for it. Optional
/// columns are passed to the model when the batch holds them; columns the model does not know are ignored.
/// </para>
/// <para>
/// <see cref="Outputs"/> are the visible columns the model adds that its last prediction transformer (or anything
/// after it) produced, such as <c>PredictedLabel</c>, <c>Score</c> and <c>Probability</c>; intermediate feature
/// columns are left out. When the model holds no prediction transformer every added column is an output. A key
/// column (a multiclass <c>PredictedLabel</c>) is returned as its value; columns of types Keel has no name for
/// (dates, unsigned integers, variable-length vectors) are not returned.
/// </para>
/// <para>Safe to call from many threads: every call builds its own data view and cursor.</para>
/// </remarks>
public sealed class MlNetPredictor : IPredictor
{
    private readonly ITransformer _model;
    private readonly List<FedColumn> _fed;
    private readonly List<ColumnSchema> _outputs;

    internal MlNetPredictor(ITransformer model, DataViewSchema inputSchema)
    {
        _model = model;
        _fed = [];
        foreach (var column in inputSchema.Where(c => !c.IsHidden))
        {
            var required = IsRequired(model, inputSchema, column);
            var schema = MlNetColumns.ToSchema(column);
            if (schema is null && required)
            {
                throw KeelException.InvalidParameter(
                    $"The ML.NET model reads column '{column.Name}' of type {column.Type}, which Keel cannot feed (supported: Boolean, Int32, Int64, Single, Double, String, as scalars or fixed-size vectors).");
            }

            if (schema is not null)
            {
                _fed.Add(new FedColumn(column, schema, required));
            }
        }

        Inputs = [.. _fed.Where(c => c.Required).Select(c => c.Schema)];
        _outputs = FindOutputs(model, inputSchema);
    }

    public string Flavor => "mlnet";

    public IReadOnlyList<ColumnSchema> Inputs { get; }

    public IReadOnlyList<ColumnSchema> Outputs => _outputs;

    /// <summary>Loads a model zip written by <c>MLContext.Model.Save</c> with its input schema.</summary>
    /// <exception cref="KeelException">The file is missing (RESOURCE_DOES_NOT_EXIST), is not an ML.NET model, was
    /// saved without its input schema, or reads a column of a type Keel cannot feed (INVALID_PARAMETER_VALUE).</exception>
    public static MlNetPredictor Load(string zipPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(zipPath);
        if (!File.Exists(zipPath))
        {
            throw KeelException.NotFound($"No ML.NET model file at '{zipPath}'.");
        }

        ITransformer model;
        DataViewSchema? inputSchema;
        try
        {
            model = new MLContext().Model.Load(zipPath, out inputSchema);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FormatException)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"'{zipPath}' is not a readable ML.NET model: {e.Message}", e);
        }

        if (inputSchema is null || inputSchema.Count == 0)
        {
            throw KeelException.InvalidParameter(
                $"The ML.NET model at '{zipPath}' was saved without its input schema; save it with MLContext.Model.Save(model, inputSchema, path).");
        }

        return new MlNetPredictor(model, inputSchema);
    }

    public DataBatch Predict(DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var builder = new DataViewSchema.Builder();
        var sources = new List<DataColumn>();
        foreach (var fed in _fed)
        {
            var given = input.Find(fed.Column.Name);
            if (given is null)
            {
                if (fed.Required)
                {
                    throw KeelException.InvalidParameter(
                        $"Input column '{fed.Column.Name}' is missing: the model needs it as {MlNetColumns.Describe(fed.Schema)}.");
                }

                continue;
            }

            Check(given, fed.Schema);
            builder.AddColumn(fed.Column.Name, fed.Column.Type, fed.Column.Annotations);
            sources.Add(given);
        }

        var transformed = _model.Transform(new BatchDataView(builder.ToSchema(), sources, input.RowCount));
        var columns = _outputs.Select(o => transformed.Schema.GetColumnOrNull(o.Name)
            ?? throw new InvalidOperationException($"The model did not produce its output column '{o.Name}'.")).ToList();
        using var cursor = transformed.GetRowCursor(columns);
        var readers = columns.Select((c, i) => OutputReader.Create(cursor, c, _outputs[i], input.RowCount)).ToList();
        var row = 0;
        while (cursor.MoveNext())
        {
            if (row == input.RowCount)
            {
                throw new InvalidOperationException($"The model returned more rows than the {input.RowCount} it was given.");
            }

            foreach (var reader in readers)
            {
                reader.ReadRow(row);
            }

            row++;
        }

        if (row != input.RowCount)
        {
            throw new InvalidOperationException($"The model returned {row} rows for the {input.RowCount} it was given.");
        }

        return new DataBatch([.. readers.Select(r => r.ToColumn())]);
    }

    public void Dispose() => (_model as IDisposable)?.Dispose();

    private static void Check(DataColumn given, ColumnSchema expected)
    {
        var expectedLength = expected.RowShape.Aggregate(1, (product, d) => product * d);
        if (given.Type != expected.Type || given.RowLength != expectedLength)
        {
            var shape = given.RowShape.Count == 0 ? "scalar" : $"vector of {string.Join('x', given.RowShape)}";
            throw KeelException.InvalidParameter(
                $"Input column '{given.Name}' must be {MlNetColumns.Describe(expected)} per row, but the batch holds {given.Type} {shape}.");
        }
    }

    // Schema propagation is cheap and fails exactly when a transformer looks for a column that is not there.
    private static bool IsRequired(ITransformer model, DataViewSchema inputSchema, DataViewSchema.Column column)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var other in inputSchema.Where(c => c.Index != column.Index))
        {
            builder.AddColumn(other.Name, other.Type, other.Annotations);
        }

        try
        {
            model.GetOutputSchema(builder.ToSchema());
            return false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    private static List<ColumnSchema> FindOutputs(ITransformer model, DataViewSchema inputSchema)
    {
        var schema = inputSchema;
        DataViewSchema? beforePrediction = null;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is IPredictionTransformer<object>)
            {
                beforePrediction = schema;
            }

            schema = transformer.GetOutputSchema(schema);
        }

        var notOutputs = inputSchema.Select(c => c.Name)
            .Concat(beforePrediction?.Where(c => !c.IsHidden).Select(c => c.Name) ?? [])
            .ToHashSet(StringComparer.Ordinal);
        return [.. schema
            .Where(c => !c.IsHidden && !notOutputs.Contains(c.Name))
            .Select(MlNetColumns.ToOutputSchema)
            .OfType<ColumnSchema>()];
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    private sealed record FedColumn(DataViewSchema.Column Column, ColumnSchema Schema, bool Required);
}
