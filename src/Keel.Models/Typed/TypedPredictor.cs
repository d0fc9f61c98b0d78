using Keel.Core.Common;
using Keel.Core.Models;

namespace Keel.Models.Typed;

/// <summary>
/// Scores plain objects with any <see cref="IPredictor"/>: the members of <typeparamref name="TIn"/> become the
/// input columns and the output columns fill new <typeparamref name="TOut"/> objects, as
/// <see cref="DataBatchConvert"/> maps them. It does not own the predictor and is as thread-safe as it is.
/// </summary>
public sealed class TypedPredictor<TIn, TOut>
    where TOut : class, new()
{
    private readonly IPredictor _predictor;

    /// <exception cref="KeelException">The predictor declares an output of a type a <typeparamref name="TOut"/>
    /// member of the same name cannot hold (INVALID_PARAMETER_VALUE, naming both).</exception>
    public TypedPredictor(IPredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        DataBatchConvert.CheckOutputs<TOut>(predictor.Outputs);
        _predictor = predictor;
    }

    public IReadOnlyList<TOut> Predict(IEnumerable<TIn> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var input = rows as IReadOnlyCollection<TIn> ?? [.. rows];
        return input.Count == 0 ? [] : DataBatchConvert.ToObjects<TOut>(_predictor.Predict(DataBatchConvert.FromObjects(input)));
    }

    public TOut Predict(TIn row) => Predict([row])[0];
}
