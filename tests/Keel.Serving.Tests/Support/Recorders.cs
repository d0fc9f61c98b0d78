using System.Collections.Concurrent;
using Keel.Serving.Runtime;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Tests.Support;

/// <summary>One predictor call as <see cref="IBatchObserver"/> reported it.</summary>
public sealed record BatchCall(string Version, int Requests, int Rows);

/// <summary>
/// Records every predictor call. <see cref="Hold"/> makes the next call block (inside the worker, after its
/// prediction) until <see cref="Release"/>, so a test can keep a version busy or a request in flight.
/// </summary>
public sealed class RecordingObserver : IBatchObserver, IDisposable
{
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private readonly SemaphoreSlim _entered = new(0);

    public ConcurrentQueue<BatchCall> Calls { get; } = new();

    public void OnBatch(ServedVersion version, int requests, int rows, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(version);
        Calls.Enqueue(new BatchCall(version.Version, requests, rows));
        _entered.Release();
        _open.Wait(TimeSpan.FromSeconds(30));
    }

    /// <summary>Calls from now on block until <see cref="Release"/>.</summary>
    public void Hold() => _open.Reset();

    public void Release() => _open.Set();

    /// <summary>Waits until a call has been reported (counting every call since the observer was made).</summary>
    public Task<bool> WaitForCallAsync(TimeSpan timeout) => _entered.WaitAsync(timeout);

    public void Dispose()
    {
        _open.Set();
        _open.Dispose();
        _entered.Dispose();
    }
}

/// <summary>An <see cref="ILogger"/> that keeps every entry, for asserting on what a component logged.</summary>
public sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
