using System.CommandLine;
using Keel.Client;
using Keel.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Commands;

/// <summary><c>keel serve</c>'s prediction-logging flags, and the logger they configure (segments go to the tracking server).</summary>
internal sealed class ServePredictionLogOptions
{
    private static readonly ServingOptions Defaults = new() { ModelUri = "models:/defaults/1" };

    public ServePredictionLogOptions()
    {
        Fraction = new Option<double>("--log-predictions")
        {
            Description = "Fraction of requests whose inputs and outputs are logged to the tracking server for monitoring, 0 to 1; 0 turns logging off",
            DefaultValueFactory = _ => Defaults.LogPredictions,
        };
        Fraction.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() is >= 0 and <= 1, "--log-predictions must be between 0 and 1."));
        FlushRows = new Option<int>("--log-flush-rows")
        {
            Description = "Logged rows after which a segment is written",
            DefaultValueFactory = _ => Defaults.LogFlushRows,
        };
        FlushRows.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= 1, "--log-flush-rows must be at least 1."));
        FlushSeconds = new Option<double>("--log-flush-seconds")
        {
            Description = "Longest a logged row waits before its segment is written, in seconds (at most 3600)",
            DefaultValueFactory = _ => Defaults.LogFlushInterval.TotalSeconds,
        };
        FlushSeconds.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() is > 0 and <= 3600, "--log-flush-seconds must be more than 0 and at most 3600."));
        BufferRows = new Option<int>("--log-buffer-rows")
        {
            Description = "Most logged rows held in memory; more are dropped (and counted in keel_prediction_log_dropped_total)",
            DefaultValueFactory = _ => Defaults.LogBufferRows,
        };
        BufferRows.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= 1, "--log-buffer-rows must be at least 1."));
    }

    public Option<double> Fraction { get; }

    public Option<int> FlushRows { get; }

    public Option<double> FlushSeconds { get; }

    public Option<int> BufferRows { get; }

    public IEnumerable<Option> All => [Fraction, FlushRows, FlushSeconds, BufferRows];

    public ServingOptions Apply(ParseResult parse, ServingOptions options) => options with
    {
        LogPredictions = parse.GetValue(Fraction),
        LogFlushRows = parse.GetValue(FlushRows),
        LogFlushInterval = TimeSpan.FromSeconds(parse.GetValue(FlushSeconds)),
        LogBufferRows = parse.GetValue(BufferRows),
    };

    /// <summary>A logger shipping to the tracking server, or null when logging is off.</summary>
    public static PredictionLogger? Start(ServingOptions options, KeelClient client, ServingMetrics metrics, string? deployment, TimeProvider time) =>
        options.LogPredictions > 0 ? new PredictionLogger(options, new TrackingServerPredictionLogSink(client), metrics, deployment, time) : null;

    public static void Register(IServiceCollection services, PredictionLogger? logger)
    {
        if (logger is not null)
        {
            services.AddPredictionLogger(logger);
        }
    }

    private static void Require(System.CommandLine.Parsing.OptionResult result, bool valid, string message)
    {
        if (!valid)
        {
            result.AddError(message);
        }
    }
}
