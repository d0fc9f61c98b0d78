using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Packages;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Runtime;

// One loaded version and its leases. The host holds one lease while the version is current and every request holds
// one from admission to its answer, so the model is disposed only after the last request it admitted has finished.
internal sealed class ServedModel
{
    private readonly LoadedModel _model;
    private readonly SignatureSchema? _signature;
    private readonly TimeProvider _time;
    private readonly IBatchObserver? _observer;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases = 1;
    private int _retired;

    public ServedModel(ModelVersionRef reference, LoadedModel model, ServingOptions options, TimeProvider time, IBatchObserver? observer, ILogger logger)
    {
        Reference = reference;
        _model = model;
        _signature = model.MlModel.Signature?.Inputs;
        _time = time;
        _observer = observer;
        _logger = logger;
        Version = new ServedVersion(reference.ModelName, reference.Version, model.Flavor, model.MlModel, model.Inputs, model.Outputs);
        Batcher = options.MaxBatchSize > 1 ? new MicroBatcher(this, options.MaxBatchSize, options.MaxBatchDelay, time) : null;
    }

    public ModelVersionRef Reference { get; }

    public ServedVersion Version { get; }

    // Null when batching is off (MaxBatchSize <= 1).
    public MicroBatcher? Batcher { get; }

    // Completes once the version is retired and its last lease has ended (the model is disposed by then).
    public Task Drained => _drained.Task;

    public bool TryAcquire()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
            {
                return true;
            }
            leases = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) != 0)
        {
            return;
        }

        Batcher?.Complete();
        try
        {
            _model.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the temporary download is left behind; serving is unaffected.
            ModelHostLog.CleanupFailed(_logger, e, Reference.ModelName, Reference.Version);
        }
        _drained.TrySetResult();
    }

    // Gives up the host's lease: requests already admitted finish, then the model is disposed.
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }

    // Checked on the caller's thread before the request joins a batch, so a bad request fails only itself.
    public DataBatch Admit(DataBatch input)
    {
        if (_signature is not null)
        {
            return SignatureValidator.Conform(_signature, input);
        }
        return input.RowCount > 0 ? input : throw KeelException.InvalidParameter("The input has no rows.");
    }

    public DataBatch Predict(DataBatch rows, int requests)
    {
        var started = _time.GetTimestamp();
        var outputs = _model.Predict(rows);
        if (_observer is not null)
        {
            try
            {
                _observer.OnBatch(Version, requests, rows.RowCount, _time.GetElapsedTime(started));
            }
            catch (Exception e)
            {
                // Metrics must never fail a prediction that succeeded.
                ModelHostLog.ObserverFailed(_logger, e);
            }
        }
        return outputs;
    }
}
