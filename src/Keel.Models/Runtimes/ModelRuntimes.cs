using Keel.Core.Models;

namespace Keel.Models.Runtimes;

/// <summary>Every runtime Keel ships, one per runnable flavor.</summary>
public static class ModelRuntimes
{
    public static IReadOnlyList<IModelRuntime> All { get; } = [new OnnxModelRuntime(), new MlNetModelRuntime()];
}
