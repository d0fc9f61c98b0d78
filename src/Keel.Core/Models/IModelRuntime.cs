namespace Keel.Core.Models;

/// <summary>
/// A model runtime behind one flavor (ONNX Runtime for <c>onnx</c>, ML.NET for <c>mlnet</c>). Keel ships no
/// runtime for code flavors (pickle, cloudpickle, python_function): it never executes a model's code.
/// </summary>
public interface IModelRuntime
{
    /// <summary>The MLmodel flavor this runtime loads.</summary>
    string Flavor { get; }

    /// <summary>Loads the flavor's model file (already checked to lie inside its package) as a predictor.</summary>
    IPredictor Load(string modelFile);
}
