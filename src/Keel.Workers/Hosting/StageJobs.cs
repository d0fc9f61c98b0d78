using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Pipelines.Processes;
using Keel.Storage;
using Keel.Workers.Stages;

namespace Keel.Workers.Hosting;

/// <summary>Builds the <see cref="StageJob"/> of a process over its stores, advancing runs through a coordinator over the given dispatcher.</summary>
internal static class StageJobs
{
    public static StageJob Create(
        KeelStores stores, TimeProvider time, string workerId, Func<IPipelineDispatcher> dispatcher, Action<string>? log, Func<Uri?>? trackingUri)
    {
        var coordinator = new Lazy<PipelineRunCoordinator>(() =>
            new PipelineRunCoordinator(stores.Pipelines, new PipelineRunTracking(stores.Tracking, time), time, dispatcher()));
        return new StageJob(stores.Pipelines, stores.Artifacts, stores.Tracking, new StageCommandLauncher(new StageProcessRunner(time)), time,
            new StageJobOptions
            {
                WorkerId = workerId,
                Advance = (runId, ct) => coordinator.Value.AdvanceAsync(runId, ct),
                Log = log,
                TrackingUri = trackingUri,
                DatasetDeps = new StoreDatasetDeps(stores.Datasets, stores.DataObjectStore).MaterializeAsync,
            });
    }
}
