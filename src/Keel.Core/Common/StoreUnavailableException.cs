namespace Keel.Core.Common;

/// <summary>
/// The metadata store (the database behind the tracking, registry, dataset and deployment stores) cannot be reached
/// or is shutting down: connection refused or reset, a timeout opening a connection, an administrator shutdown.
/// Unlike <see cref="KeelException"/> it says nothing about the request: hosts answer it with 503 and
/// <c>Retry-After</c>, and the request may succeed unchanged once the database is back. The artifact store's
/// counterpart is <see cref="Artifacts.BlobStoreUnavailableException"/>.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
