using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.MlNet;

namespace Keel.Models.Runtimes;

/// <summary>Keel's own <c>mlnet</c> flavor: an ML.NET model zip with its input schema.</summary>
public sealed class MlNetModelRuntime : IModelRuntime
{
    public string Flavor => ModelFlavors.MlNet;

    public IPredictor Load(string modelFile) => MlNetPredictor.Load(modelFile);
}
