using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Models.Packages;

/// <summary>
/// A model package loaded for scoring: its <see cref="MlModel"/> and the predictor of its runnable flavor. When
/// the package has an input signature, every batch is checked against it first (an error per offending column)
/// and conformed to the signature's types, so the runtime only ever sees what the model was logged to take.
/// </summary>
public sealed class LoadedModel : IPredictor
{
    private readonly IPredictor _predictor;
    private readonly SignatureSchema? _inputs;
    private readonly bool _deleteOnDispose;

    internal LoadedModel(string directory, MlModel mlModel, IPredictor predictor, bool deleteOnDispose)
    {
        _deleteOnDispose = deleteOnDispose;
        Directory = directory;
        MlModel = mlModel;
        _predictor = predictor;
        _inputs = mlModel.Signature?.Inputs;
        Inputs = (_inputs is null ? null : SignatureColumns.ToColumnSchemas(_inputs, predictor.Inputs)) ?? predictor.Inputs;
    }

    /// <summary>The package directory on disk.</summary>
    public string Directory { get; }

    public MlModel MlModel { get; }

    public string Flavor => _predictor.Flavor;

    /// <summary>The signature's inputs when it has one the runtime can take, else the runtime's own.</summary>
    public IReadOnlyList<ColumnSchema> Inputs { get; }

    public IReadOnlyList<ColumnSchema> Outputs => _predictor.Outputs;

    public DataBatch Predict(DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_inputs is null)
        {
            return _predictor.Predict(input);
        }

        var conformed = SignatureValidator.Conform(_inputs, input);
        return _predictor.Predict(_inputs.HasNames ? conformed : RenameByPosition(conformed, _predictor.Inputs));
    }

    public void Dispose()
    {
        _predictor.Dispose();
        if (_deleteOnDispose && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    // An unnamed signature (MLflow writes one for a single tensor) matches by position; the runtime wants its names.
    private static DataBatch RenameByPosition(DataBatch batch, IReadOnlyList<ColumnSchema> runtimeInputs) =>
        batch.Columns.Count != runtimeInputs.Count ? batch : new DataBatch(
        [
            .. batch.Columns.Select((column, i) => new DataColumn(runtimeInputs[i].Name, column.Type, column.Values, column.RowShape)),
        ]);
}
