namespace Keel.Storage;

/// <summary>
/// Where Keel keeps metadata and artifacts. URIs follow MLflow's spelling:
/// <c>sqlite:///path/to/keel.db</c> for the backend store, a folder or <c>file:///…</c> for artifacts.
/// Null URIs default to <c>keel.db</c> and <c>artifacts/</c> inside <see cref="DataDirectory"/>.
/// </summary>
public sealed record StorageOptions(string DataDirectory, string? BackendStoreUri = null, string? ArtifactsDestination = null);
