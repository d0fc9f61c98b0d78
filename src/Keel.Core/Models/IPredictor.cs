namespace Keel.Core.Models;

/// <summary>
/// A loaded model, whatever its runtime: a batch of rows in, a batch of outputs out (one output row per input
/// row). Implementations are safe to call from many threads at once.
/// </summary>
public interface IPredictor : IDisposable
{
    /// <summary>The flavor that scores this model (<c>onnx</c>, <c>mlnet</c>).</summary>
    string Flavor { get; }

    /// <summary>The columns the model reads, as its runtime declares them.</summary>
    IReadOnlyList<ColumnSchema> Inputs { get; }

    /// <summary>The columns <see cref="Predict"/> returns.</summary>
    IReadOnlyList<ColumnSchema> Outputs { get; }

    /// <summary>
    /// Scores every row of <paramref name="input"/>. A batch that lacks a column the model reads, or holds it
    /// with another type or shape, throws <see cref="Common.KeelException"/> (INVALID_PARAMETER_VALUE) naming it.
    /// </summary>
    DataBatch Predict(DataBatch input);
}
