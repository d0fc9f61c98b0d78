using Keel.Core.Artifacts;

namespace Keel.Core.Models.Packages;

/// <summary>The flavor Keel will load a package with, and its model file relative to the package root.</summary>
public sealed record RunnableFlavor(string Name, ArtifactPath DataPath);
