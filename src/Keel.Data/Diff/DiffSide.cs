using Keel.Core.Data.Manifests;

namespace Keel.Data.Diff;

/// <summary>
/// One side of a diff: what the user typed (<see cref="Label"/>), the manifest hash it resolved to, and the manifest
/// read from the local cache.
/// </summary>
public sealed record DiffSide(string Label, string ManifestHash, DataManifest Manifest);
