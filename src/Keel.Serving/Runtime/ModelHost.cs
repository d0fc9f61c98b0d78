using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Packages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Serving.Runtime;

/// <summary>
/// Serves the version a model URI names, following it as it moves. <see cref="StartAsync"/> loads and warms the
/// first version; a background loop resolves the URI again every <see cref="ServingOptions.ReloadInterval"/> and,
/// when it names another version, loads and warms that one while the old one keeps serving, then swaps atomically.
/// Requests admitted by the old version finish on it; it is disposed after the last of them. A version that fails
/// to load is logged and tried again on the next poll. Concurrent requests are coalesced into one predictor call
/// (see <see cref="ScoreAsync"/>).
/// </summary>
public sealed class ModelHost : IModelScorer, IAsyncDisposable
{
    private readonly IModelSource _source;
    private readonly ServingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IBatchObserver? _observer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private ServedModel _current;
    private Task _polling = Task.CompletedTask;
    private int _disposed;

    private ModelHost(IModelSource source, ServingOptions options, TimeProvider time, ILogger logger, IBatchObserver? observer, ServedModel first)
    {
        _source = source;
        _options = options;
        _time = time;
        _logger = logger;
        _observer = observer;
        _current = first;
    }

    /// <summary>The version answering now (never null once started).</summary>
    public ServedVersion? Current => Volatile.Read(ref _current).Version;

    /// <summary>Where <see cref="Current"/> was loaded from.</summary>
    public ModelVersionRef CurrentReference => Volatile.Read(ref _current).Reference;

    /// <summary>
    /// Resolves the model, loads and warms it (one prediction on the package's input example, skipped when it has
    /// none) and starts polling every <see cref="ServingOptions.ReloadInterval"/> (zero, negative or infinite: never).
    /// </summary>
    /// <param name="source">Where versions come from, e.g. <see cref="RegistryModelSource"/>.</param>
    /// <param name="options">Batching (<see cref="ServingOptions.MaxBatchSize"/>, <see cref="ServingOptions.MaxBatchDelay"/>) and reload settings.</param>
    /// <param name="time">The clock for batching delays, reload polls and batch timings; null for the system clock.</param>
    /// <param name="logger">Receives swaps and failed reloads; null for none.</param>
    /// <param name="observer">Told about every predictor call; null for none.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <exception cref="KeelException">The first version cannot be loaded (e.g. INVALID_STATE for a pickle-only package) or fails its warm-up.</exception>
    /// <exception cref="Client.KeelApiException">The URI names no model, version, alias or run.</exception>
    public static async Task<ModelHost> StartAsync(
        IModelSource source, ServingOptions options, TimeProvider? time = null, ILogger? logger = null, IBatchObserver? observer = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var reference = await source.ResolveAsync(ct).ConfigureAwait(false);
        var first = await LoadAsync(source, reference, options, time, logger, observer, ct).ConfigureAwait(false);
        var host = new ModelHost(source, options, time, logger, observer, first);
        ModelHostLog.Serving(logger, reference.ModelName, reference.Version, first.Version.Flavor, reference.ArtifactUri);
        if (options.ReloadInterval > TimeSpan.Zero && options.ReloadInterval != Timeout.InfiniteTimeSpan)
        {
            host._polling = host.PollAsync();
        }
        return host;
    }

    /// <summary>
    /// Scores <paramref name="input"/> on the current version. The input is checked against the version's signature
    /// first (so a bad request fails alone); with <see cref="ServingOptions.MaxBatchSize"/> above 1 it then joins
    /// concurrent requests with the same columns in one predictor call, and gets back exactly its own rows. A request
    /// that finds no other in flight is scored at once on the calling thread.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the columns that do not match the signature, or an empty input.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while the request waited; other requests are unaffected.</exception>
    /// <exception cref="ObjectDisposedException">The host has been disposed.</exception>
    public async Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ct.ThrowIfCancellationRequested();
        var served = Acquire();
        var leaseHandedOff = false;
        try
        {
            var rows = served.Admit(input);
            if (served.Batcher is null)
            {
                return new ScoreResult(served.Predict(rows, 1), served.Version);
            }

            if (served.Batcher.TryEnterAlone())
            {
                try
                {
                    return new ScoreResult(served.Predict(rows, 1), served.Version);
                }
                finally
                {
                    served.Batcher.ExitAlone();
                }
            }

            var answer = served.Batcher.Enqueue(rows, ct);
            leaseHandedOff = true;
            return new ScoreResult(await answer.ConfigureAwait(false), served.Version);
        }
        finally
        {
            if (!leaseHandedOff)
            {
                served.Release();
            }
        }
    }

    /// <summary>
    /// Resolves the model URI now, as the poll loop does, and swaps to the version it names if that is another one.
    /// </summary>
    /// <returns>True when a new version now serves.</returns>
    /// <exception cref="Exception">Resolving, loading or warming up failed; the current version keeps serving.</exception>
    public async Task<bool> ReloadAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
        await _reloadGate.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            var reference = await _source.ResolveAsync(linked.Token).ConfigureAwait(false);
            var old = Volatile.Read(ref _current);
            if (reference == old.Reference)
            {
                return false;
            }

            ModelHostLog.Moved(_logger, _options.ModelUri, reference.ModelName, reference.Version, old.Reference.Version);
            var next = await LoadAsync(_source, reference, _options, _time, _logger, _observer, linked.Token).ConfigureAwait(false);
            Volatile.Write(ref _current, next);
            old.Retire();
            ModelHostLog.Serving(_logger, reference.ModelName, reference.Version, next.Version.Flavor, reference.ArtifactUri);
            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Stops polling and waits for the requests already admitted to finish, then unloads the model.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        var current = Volatile.Read(ref _current);
        current.Retire();
        await current.Drained.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private ServedModel Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var current = Volatile.Read(ref _current);
            if (current.TryAcquire())
            {
                return current;
            }
            // That version was swapped out and drained after we read it; its successor is already published.
        }
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(_options.ReloadInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await ReloadAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    ModelHostLog.ReloadFailed(_logger, e, _options.ModelUri, Volatile.Read(ref _current).Reference.Version);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private static async Task<ServedModel> LoadAsync(
        IModelSource source, ModelVersionRef reference, ServingOptions options, TimeProvider time, ILogger logger, IBatchObserver? observer,
        CancellationToken ct)
    {
        var model = await source.LoadAsync(reference, ct).ConfigureAwait(false);
        try
        {
            WarmUp(model, reference, logger);
            return new ServedModel(reference, model, options, time, observer, logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // The first prediction pays for lazy initialisation (ONNX Runtime's allocations, ML.NET's prediction engine);
    // paying it here keeps it off the first request after a swap.
    private static void WarmUp(LoadedModel model, ModelVersionRef reference, ILogger logger)
    {
        DataBatch? example;
        try
        {
            example = ModelPackageWriter.ReadInputExample(model.Directory, model.MlModel);
        }
        catch (Exception e) when (e is KeelException or IOException or System.Text.Json.JsonException)
        {
            ModelHostLog.NoWarmUp(logger, e, reference.ModelName, reference.Version);
            return;
        }
        if (example is null)
        {
            return;
        }

        try
        {
            model.Predict(example);
        }
        catch (Exception e)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"{reference.ModelName} version {reference.Version} fails on its own input example, so it is not served: {e.Message}", e);
        }
    }
}
