using Keel.Models.Packages;
using Keel.Models.Typed;

namespace Keel.Client.Models;

/// <summary>A loaded model package scored through plain .NET row types.</summary>
public sealed class TypedModel<TIn, TOut> : IDisposable
    where TOut : class, new()
{
    private readonly TypedPredictor<TIn, TOut> _predictor;

    internal TypedModel(LoadedModel model)
    {
        Model = model;
        _predictor = new TypedPredictor<TIn, TOut>(model);
    }

    /// <summary>The package and its untyped predictor.</summary>
    public LoadedModel Model { get; }

    public IReadOnlyList<TOut> Predict(IEnumerable<TIn> rows) => _predictor.Predict(rows);

    public TOut Predict(TIn row) => _predictor.Predict(row);

    public void Dispose() => Model.Dispose();
}
