namespace Keel.Core.Artifacts;

/// <summary>
/// The blob store behind an <see cref="IArtifactStore"/> cannot be reached or refused to serve (network
/// failure, timeout, missing bucket, denied credentials, a 5xx answer). Unlike <see cref="Common.KeelException"/>
/// it says nothing about the request: hosts answer it with 503 so clients retry later, while metadata calls
/// keep working.
/// </summary>
public sealed class BlobStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
