using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Onnx;

namespace Keel.Models.Runtimes;

/// <summary>The <c>onnx</c> flavor through ONNX Runtime.</summary>
public sealed class OnnxModelRuntime : IModelRuntime
{
    public string Flavor => ModelFlavors.Onnx;

    public IPredictor Load(string modelFile) => OnnxPredictor.Load(modelFile);
}
