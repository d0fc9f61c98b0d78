using Keel.Core.Models;

namespace Keel.Client.Models;

/// <summary>How <see cref="KeelModelLogging"/> logs a model.</summary>
public sealed record LogModelOptions
{
    /// <summary>The package's directory inside the run's artifacts.</summary>
    public string ArtifactPath { get; init; } = "model";

    /// <summary>When set, the logged package is registered as the next version of this model (created when missing).</summary>
    public string? RegisteredModelName { get; init; }

    /// <summary>A few rows of input, stored as <c>input_example.json</c>; the ONNX export is checked against them.</summary>
    public DataBatch? InputExample { get; init; }

    /// <summary>
    /// Also export an ML.NET model to ONNX and add the <c>onnx</c> flavor, after checking that ONNX Runtime matches
    /// ML.NET on <see cref="InputExample"/> (required then). Models ONNX export does not cover fail the call.
    /// </summary>
    public bool ExportOnnx { get; init; }
}
