using Keel.Core.Pipelines;
using Quartz;

namespace Keel.Workers.Quartz;

/// <summary>
/// Hands ready stages to the worker cluster: one Quartz job per (run, stage), keyed <c>runId/stage</c>, firing now and
/// requesting recovery, so a stage whose worker dies is fired again on another node once the dead one misses its
/// check-ins. Scheduling a key that already exists is a no-op, so dispatching twice runs the stage once.
/// </summary>
/// <param name="scheduler">Any node of the cluster; it need not be started to schedule.</param>
public sealed class QuartzPipelineDispatcher(IScheduler scheduler) : IPipelineDispatcher
{
    /// <summary>The Quartz group of stage jobs and their triggers.</summary>
    public const string JobGroup = "keel-stages";

    /// <summary>Job data key of the pipeline run's id.</summary>
    public const string RunIdKey = "runId";

    /// <summary>Job data key of the stage's name.</summary>
    public const string StageKey = "stage";

    /// <summary>The job key of a stage of a run.</summary>
    public static JobKey KeyOf(string runId, string stage) => new($"{runId}/{stage}", JobGroup);

    public async Task DispatchAsync(string runId, IReadOnlyList<string> stages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stages);
        foreach (var stage in stages)
        {
            var key = KeyOf(runId, stage);
            var job = JobBuilder.Create<StageQuartzJob>()
                .WithIdentity(key)
                .UsingJobData(RunIdKey, runId)
                .UsingJobData(StageKey, stage)
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create()
                .ForJob(key)
                .WithIdentity(key.Name, JobGroup)
                .StartNow()
                .Build();
            try
            {
                await scheduler.ScheduleJob(job, trigger, default, ct);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Already dispatched (a replica or a retrying caller got there first): it runs once.
            }
        }
    }
}
