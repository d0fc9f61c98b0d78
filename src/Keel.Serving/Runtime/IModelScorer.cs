using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Serving.Runtime;

/// <summary>The model version being served: what answered a request, and what it takes and returns.</summary>
/// <param name="ModelName">The registered model's name (the Open Inference Protocol's model name).</param>
/// <param name="Version">The registered version number, as text ("3").</param>
/// <param name="Flavor">The flavor that scores it (onnx, mlnet).</param>
/// <param name="MlModel">The package's MLmodel (signature, input example).</param>
/// <param name="Inputs">The columns it reads (the signature's when it has one).</param>
/// <param name="Outputs">The columns it returns.</param>
public sealed record ServedVersion(
    string ModelName, string Version, string Flavor, MlModel MlModel, IReadOnlyList<ColumnSchema> Inputs, IReadOnlyList<ColumnSchema> Outputs);

/// <summary>A batch's predictions and the version that made them.</summary>
public sealed record ScoreResult(DataBatch Outputs, ServedVersion Version)
{
    /// <summary>The deployment route that answered (see <see cref="Routing.TrafficRouter"/>); null when one model is served.</summary>
    public string? Route { get; init; }
}

/// <summary>
/// What every protocol endpoint calls: the served model behind adaptive batching and hot reload. Bad input
/// throws <see cref="Core.Common.KeelException"/> (INVALID_PARAMETER_VALUE) naming the column; endpoints map it to 400.
/// </summary>
public interface IModelScorer
{
    /// <summary>The version answering now; null until the first version has loaded.</summary>
    ServedVersion? Current { get; }

    /// <summary>Scores a batch on the current version (coalesced with concurrent requests when batching is on).</summary>
    Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default);
}
