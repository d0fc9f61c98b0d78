using Keel.Workers.Quartz;
using Keel.Workers.Stages;

namespace Keel.Workers.Hosting;

/// <summary>How a <c>keel worker</c> process takes part in the cluster.</summary>
public sealed record PipelineWorkerOptions
{
    /// <summary>Recorded on every attempt and used as the Quartz instance id; unique per live worker.</summary>
    public string WorkerId { get; init; } = StageJobOptions.DefaultWorkerId();

    /// <summary>Stages run at once.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>See <see cref="QuartzClusterOptions.CheckinInterval"/>.</summary>
    public TimeSpan CheckinInterval { get; init; } = QuartzClusterOptions.DefaultCheckinInterval;

    /// <summary>The tracking server given to stage commands (KEEL_TRACKING_URI); null gives them none.</summary>
    public Uri? TrackingUri { get; init; }
}
