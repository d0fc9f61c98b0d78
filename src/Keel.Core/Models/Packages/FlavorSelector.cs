using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>Chooses how Keel loads a model package: ONNX when present, else ML.NET; never a flavor that runs code.</summary>
public static class FlavorSelector
{
    /// <summary>The key of each runnable flavor that names its model file.</summary>
    private static readonly Dictionary<string, string> DataKeys = new(StringComparer.Ordinal)
    {
        [ModelFlavors.Onnx] = "data",
        [ModelFlavors.MlNet] = "model_path",
    };

    /// <summary>
    /// The flavor to load <paramref name="model"/> with. Throws <see cref="KeelException"/> with INVALID_STATE
    /// when the package has neither <c>onnx</c> nor <c>mlnet</c> (registering it is fine; loading is refused),
    /// and INVALID_PARAMETER_VALUE when the flavor's file entry is missing or not a safe relative path.
    /// </summary>
    public static RunnableFlavor Select(MlModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = ModelFlavors.Runnable.FirstOrDefault(model.Flavors.ContainsKey)
            ?? throw new KeelException(ErrorCode.InvalidState, NotRunnableMessage(model));
        var key = DataKeys[name];
        var field = $"flavors.{name}.{key}";
        var path = model.GetString(name, key)
            ?? throw KeelException.InvalidParameter($"The model's {name} flavor has no '{key}' entry naming its model file.");
        return new RunnableFlavor(name, ArtifactPath.Parse(path, field));
    }

    private static string NotRunnableMessage(MlModel model)
    {
        var flavors = model.Flavors.Count == 0 ? "none" : string.Join(", ", model.Flavors.Keys);
        return $"Keel cannot load this model: its flavors are {flavors}, and Keel loads only onnx and mlnet. "
            + "Keel never executes a model's code: pickle, cloudpickle and python_function packages can run arbitrary code when loaded. "
            + "Export the model to ONNX and log it with the onnx flavor (mlflow.onnx.log_model). "
            + "Registering this package is fine; only loading it is refused.";
    }
}
