using Google.Protobuf;
using Keel.Core.Common;
using Microsoft.ML;

namespace Keel.Models.Onnx;

/// <summary>
/// Writes a fitted ML.NET model as an ONNX model (IR 8, opsets <c>ai.onnx</c> 17 and <c>ai.onnx.ml</c> 3) that
/// <see cref="OnnxPredictor"/> or any ONNX runtime scores like ML.NET does.
/// </summary>
/// <remarks>
/// Supported: a <c>TransformerChain</c> (nested chains too) of column concatenations and affine normalizers
/// (min-max, mean-variance) ending in a binary classifier (a linear model, optionally Platt-calibrated, or a
/// Platt-calibrated FastTree) or a regressor (linear regression from SDCA, OLS or online gradient descent, or
/// FastTree). The graph's inputs are the raw columns the pipeline reads, each a float column ([N], as MLflow's onnx
/// flavor feeds a data frame column) or a fixed-size float vector ([N, k]); its outputs mirror ML.NET's:
/// <c>Score</c> (float [N, 1]) and, for binary classifiers, <c>PredictedLabel</c> (bool [N, 1],
/// <c>Score &gt; 0</c>) and, when calibrated, <c>Probability</c> (float [N, 1]).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>Serializes <paramref name="model"/> as an ONNX <c>ModelProto</c>.</summary>
    /// <param name="model">A fitted ML.NET model.</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on (the label may be in it; it is not read).</param>
    /// <exception cref="KeelException">
    /// INVALID_PARAMETER_VALUE: the model holds a transformer or model type the export does not support; the message
    /// names it and lists what is supported.
    /// </exception>
    public static byte[] Export(ITransformer model, DataViewSchema inputSchema) => ToModelProto(model, inputSchema).ToByteArray();

    /// <summary>Writes <see cref="Export"/>'s bytes to <paramref name="path"/>, replacing any file there.</summary>
    public static void Save(ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Export(model, inputSchema));
    }

    internal static Proto.ModelProto ToModelProto(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var export = new MlNetGraphExport(inputSchema);
        export.Add(model);
        return export.Finish();
    }
}
