namespace Keel.Core.Tracking;

/// <summary>Wire names of <see cref="RunStatus"/>.</summary>
public static class RunStatusNames
{
    public static string ToWire(this RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Scheduled => "SCHEDULED",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        _ => "KILLED",
    };
}
