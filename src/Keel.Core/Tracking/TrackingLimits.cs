namespace Keel.Core.Tracking;

/// <summary>MLflow's size limits (mlflow/utils/validation.py), enforced identically.</summary>
public static class TrackingLimits
{
    public const int MaxEntityKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxRunNameLength = 250;

    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsPerBatch = 100;
    public const int MaxTagsPerBatch = 100;
    public const int MaxEntitiesPerBatch = 1000;

    public const int MaxDatasetNameLength = 500;
    // MLflow caps digests at 36 characters; Keel allows 64 so a digest can be a data manifest's SHA-256 (see docs/api-compat.md).
    public const int MaxDatasetDigestLength = 64;
    public const int MaxDatasetSourceLength = 65535;
    public const int MaxDatasetSchemaLength = 1048575;
    public const int MaxDatasetProfileLength = 16384;
    public const int MaxInputTagKeyLength = 255;
    public const int MaxInputTagValueLength = 500;

    public const int DefaultSearchMaxResults = 1000;
    public const int MaxSearchResults = 50000;
    public const int MaxExperimentSearchResults = 50000;
}
