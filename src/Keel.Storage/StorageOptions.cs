namespace Keel.Storage;

/// <summary>
/// Where Keel keeps metadata and artifacts. URIs follow MLflow's spelling:
/// <c>sqlite:///path/to/keel.db</c> or <c>postgresql://user:pass@host:port/db</c> for the backend store; a folder,
/// <c>file:///…</c> or <c>s3://bucket/prefix</c> for artifacts (S3 endpoint and credentials from the standard
/// <c>AWS_*</c> variables or MLflow's <c>MLFLOW_S3_ENDPOINT_URL</c>; data chunks then go to <c>&lt;prefix&gt;-data-objects</c>).
/// Null URIs default to <c>keel.db</c> and <c>artifacts/</c> inside <see cref="DataDirectory"/>.
/// </summary>
public sealed record StorageOptions(string DataDirectory, string? BackendStoreUri = null, string? ArtifactsDestination = null);
