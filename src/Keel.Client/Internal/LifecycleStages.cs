namespace Keel.Client.Internal;

/// <summary>MLflow's lifecycle stage and run status strings the SDK itself compares or sends.</summary>
internal static class LifecycleStages
{
    public const string Deleted = "deleted";

    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
}
