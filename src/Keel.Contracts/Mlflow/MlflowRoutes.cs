namespace Keel.Contracts.Mlflow;

/// <summary>Route prefixes and paths of MLflow's REST API, shared by the server and the SDK.</summary>
public static class MlflowRoutes
{
    public const string ApiPrefix = "/api/2.0/mlflow";
    public const string AjaxPrefix = "/ajax-api/2.0/mlflow";
    public const string ArtifactProxyPrefix = "/api/2.0/mlflow-artifacts";
    public const string AjaxArtifactProxyPrefix = "/ajax-api/2.0/mlflow-artifacts";

    public const string ExperimentsCreate = "experiments/create";
    public const string ExperimentsGet = "experiments/get";
    public const string ExperimentsGetByName = "experiments/get-by-name";
    public const string ExperimentsSearch = "experiments/search";
    public const string ExperimentsUpdate = "experiments/update";
    public const string ExperimentsDelete = "experiments/delete";
    public const string ExperimentsRestore = "experiments/restore";
    public const string ExperimentsSetTag = "experiments/set-experiment-tag";

    public const string RunsCreate = "runs/create";
    public const string RunsGet = "runs/get";
    public const string RunsUpdate = "runs/update";
    public const string RunsDelete = "runs/delete";
    public const string RunsRestore = "runs/restore";
    public const string RunsSearch = "runs/search";
    public const string RunsLogMetric = "runs/log-metric";
    public const string RunsLogParameter = "runs/log-parameter";
    public const string RunsLogBatch = "runs/log-batch";
    public const string RunsSetTag = "runs/set-tag";
    public const string RunsDeleteTag = "runs/delete-tag";
    public const string RunsLogInputs = "runs/log-inputs";

    public const string MetricsGetHistory = "metrics/get-history";
    public const string ArtifactsList = "artifacts/list";

    /// <summary>Artifact proxy: GET/PUT/DELETE <c>artifacts/{path}</c>, GET <c>artifacts?path=</c> lists.</summary>
    public const string ProxiedArtifacts = "artifacts";

    /// <summary>
    /// Artifact proxy multipart upload (MLflow 2.x): POST <c>mpu/create/{directory}</c>, <c>mpu/complete/{directory}</c>
    /// and <c>mpu/abort/{directory}</c>; the body's <c>path</c> gives the file name. A store that cannot presign
    /// answers 501 NOT_IMPLEMENTED, and MLflow clients then fall back to a proxy PUT.
    /// </summary>
    public const string MultipartCreate = "mpu/create";
    public const string MultipartComplete = "mpu/complete";
    public const string MultipartAbort = "mpu/abort";

    /// <summary>
    /// Keel's own (under <c>/api/keel/v1</c>): GET <c>artifacts/presign?path=&amp;method=GET|PUT&amp;expires_in=</c>
    /// gives a presigned URL for one proxy path; 501 NOT_IMPLEMENTED when the artifact store cannot presign.
    /// </summary>
    public const string KeelArtifactsPresign = "artifacts/presign";

    public const string RegisteredModelsCreate = "registered-models/create";
    public const string RegisteredModelsGet = "registered-models/get";
    public const string RegisteredModelsRename = "registered-models/rename";
    public const string RegisteredModelsUpdate = "registered-models/update";
    public const string RegisteredModelsDelete = "registered-models/delete";
    public const string RegisteredModelsSearch = "registered-models/search";
    public const string RegisteredModelsGetLatestVersions = "registered-models/get-latest-versions";
    public const string RegisteredModelsSetTag = "registered-models/set-tag";
    public const string RegisteredModelsDeleteTag = "registered-models/delete-tag";
    public const string RegisteredModelsAlias = "registered-models/alias";

    public const string ModelVersionsCreate = "model-versions/create";
    public const string ModelVersionsGet = "model-versions/get";
    public const string ModelVersionsUpdate = "model-versions/update";
    public const string ModelVersionsDelete = "model-versions/delete";
    public const string ModelVersionsSearch = "model-versions/search";
    public const string ModelVersionsGetDownloadUri = "model-versions/get-download-uri";
    public const string ModelVersionsTransitionStage = "model-versions/transition-stage";
    public const string ModelVersionsSetTag = "model-versions/set-tag";
    public const string ModelVersionsDeleteTag = "model-versions/delete-tag";
}
