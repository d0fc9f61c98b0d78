namespace Keel.Contracts.KeelApi;

/// <summary>Routes of Keel's own API (beyond MLflow's), shared by the server and the SDK.</summary>
public static class KeelRoutes
{
    public const string ApiPrefix = "/api/keel/v1";

    /// <summary>GET with <c>?uri=</c>: where a model URI points.</summary>
    public const string ModelUrisResolve = "model-uris/resolve";

    /// <summary>GET <c>lineage/model-versions/{name}/{version}</c>: what produced a model version.</summary>
    public const string ModelVersionLineage = "lineage/model-versions";

    /// <summary>
    /// Deployments: POST (create) and GET (list) here; GET, PUT, PATCH and DELETE on <c>deployments/{name}</c>;
    /// GET <c>deployments/{name}/history</c>; POST <c>deployments/{name}/rollback</c>.
    /// </summary>
    public const string Deployments = "deployments";

    /// <summary>
    /// Data objects (chunks and manifests) by SHA-256: POST <c>data/objects/missing</c> with <c>{"hashes": [...]}</c>;
    /// PUT and GET <c>data/objects/{hash}</c> with a raw application/octet-stream body; POST <c>data/objects/presign</c>
    /// for URLs that move objects straight to and from the object store.
    /// </summary>
    public const string DataObjects = "data/objects";

    /// <summary>
    /// The dataset registry: POST (create) and GET (list, <c>?name_prefix=&amp;max_results=&amp;page_token=</c>) here;
    /// GET, PATCH and DELETE <c>datasets/{name}</c>; POST <c>datasets/{name}/tags</c> and DELETE with <c>?key=</c>;
    /// POST and GET <c>datasets/{name}/versions</c>; GET <c>datasets/{name}/versions/{version}</c>;
    /// POST <c>datasets/{name}/versions/{version}/tags</c> and DELETE with <c>?key=</c>.
    /// </summary>
    public const string Datasets = "datasets";

    /// <summary>GET with <c>?manifest_hash=</c>: every dataset version (of any dataset) holding that manifest.</summary>
    public const string DatasetVersionsByManifest = "dataset-versions";
}
