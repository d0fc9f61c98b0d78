using Keel.Workers.Stages;
using Quartz;

namespace Keel.Workers.Quartz;

/// <summary>The Quartz job of one stage: runs it with this node's <see cref="StageJob"/>.</summary>
/// <param name="stages">Registered by <c>keel worker</c> in the node's services.</param>
internal sealed class StageQuartzJob(StageJob stages) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var runId = data.GetString(QuartzPipelineDispatcher.RunIdKey) ?? throw new JobExecutionException("stage job without a run id");
        var stage = data.GetString(QuartzPipelineDispatcher.StageKey) ?? throw new JobExecutionException("stage job without a stage");
        await stages.RunAsync(runId, stage, cancellationToken);
    }
}
