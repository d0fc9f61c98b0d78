using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Runtimes;

namespace Keel.Models.Packages;

/// <summary>Reads a model package directory (an <c>MLmodel</c> file and the model's files) for scoring.</summary>
public static class ModelPackage
{
    /// <summary>Reads and parses the package's <c>MLmodel</c>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the directory has no MLmodel or it is malformed.</exception>
    public static MlModel ReadMlModel(string directory)
    {
        var path = Path.Combine(directory, MlModel.FileName);
        if (!File.Exists(path))
        {
            throw KeelException.InvalidParameter($"'{directory}' is not a model package: it has no {MlModel.FileName} file.");
        }

        return MlModel.Parse(File.ReadAllText(path));
    }

    /// <summary>
    /// Loads the package with the first runnable flavor (onnx, then mlnet). A package whose only flavors run
    /// code (pickle, cloudpickle, python_function) is refused with INVALID_STATE: Keel never executes a model's code.
    /// </summary>
    /// <param name="directory">The package directory.</param>
    /// <param name="runtimes">The runtimes to choose from; every runtime Keel ships when null.</param>
    /// <param name="deleteOnDispose">Delete <paramref name="directory"/> when the model is disposed (for downloaded copies).</param>
    public static LoadedModel Load(string directory, IReadOnlyList<IModelRuntime>? runtimes = null, bool deleteOnDispose = false)
    {
        var mlModel = ReadMlModel(directory);
        var flavor = FlavorSelector.Select(mlModel);
        var runtime = (runtimes ?? ModelRuntimes.All).FirstOrDefault(r => r.Flavor == flavor.Name)
            ?? throw new KeelException(ErrorCode.InvalidState, $"No model runtime for the '{flavor.Name}' flavor is installed.");
        var file = Path.Combine(directory, flavor.DataPath.Value.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(file))
        {
            throw KeelException.InvalidParameter($"The package's {flavor.Name} flavor names '{flavor.DataPath.Value}', which is not in '{directory}'.");
        }

        return new LoadedModel(directory, mlModel, runtime.Load(file), deleteOnDispose);
    }
}
