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
}
