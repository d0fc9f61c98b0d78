using System.Globalization;
using System.Text.Json.Nodes;
using Keel.Serving.Monitoring;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Builder;

namespace Keel.Cli.Quickstart;

/// <summary>
/// The champion served the way <c>keel serve</c> does (its own host, on a free loopback port, logging every prediction
/// to the tracking server), kept running through the quickstart so that a promotion later on is seen by hot reload,
/// as a long-running replica would see it.
/// </summary>
internal sealed class ServedChampion : IAsyncDisposable
{
    private readonly ModelHost _model;
    private readonly PredictionLogger _predictionLog;
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly JsonObject _invocation;

    public ServedChampion(ModelHost model, PredictionLogger predictionLog, WebApplication app, HttpClient http, JsonObject invocation)
    {
        _model = model;
        _predictionLog = predictionLog;
        _app = app;
        _http = http;
        _invocation = invocation;
    }

    /// <summary>The first calls, over both protocols.</summary>
    public IReadOnlyList<ServedAnswer> Answers { get; set; } = [];

    /// <summary>The traffic sent for the monitor.</summary>
    public QuickstartTrafficSent Traffic { get; set; } = null!;

    /// <summary>Ships every logged prediction to the tracking server (later requests are no longer logged), so a monitor run sees them all.</summary>
    public Task FinishLoggingAsync(CancellationToken ct) => _predictionLog.StopAsync(ct);

    /// <summary>Calls <c>/invocations</c> until the answer comes from <paramref name="version"/> (hot reload polls the alias) or the time is up.</summary>
    public async Task<ServedAnswer> WaitForVersionAsync(long version, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var answer = await QuickstartServing.CallAsync(_http, "MLflow /invocations", "invocations", _invocation, ct);
            if (answer.AnsweredVersion == version.ToString(CultureInfo.InvariantCulture) || time.GetTimestamp() > deadline)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            await _predictionLog.DisposeAsync();
            await _model.DisposeAsync();
            _http.Dispose();
        }
    }
}
