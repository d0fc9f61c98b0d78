namespace Keel.Client.Internal;

/// <summary>MLflow's lifecycle stages and run statuses as they appear on the wire.</summary>
internal static class LifecycleStages
{
    public const string Active = "active";
    public const string Deleted = "deleted";

    public const string Running = "RUNNING";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
}
