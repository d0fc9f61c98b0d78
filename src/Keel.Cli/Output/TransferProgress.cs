using Spectre.Console;

namespace Keel.Cli.Output;

/// <summary>
/// Runs an upload or download with a live byte-count bar (bytes, throughput, time left) on a terminal,
/// and silently otherwise; either way the caller prints a one-line summary afterwards.
/// </summary>
internal static class TransferProgress
{
    public static async Task RunAsync(CliOutput output, string description, long totalBytes, Func<IProgress<long>?, Task> transfer)
    {
        if (!output.ShowsLiveProgress)
        {
            await transfer(null);
            return;
        }

        await new Progress(output.Console, output.Time)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(totalBytes, 1));
                await transfer(new BarProgress(task));
                task.Value = task.MaxValue;
            });
    }

    /// <summary>Moves the bar as the SDK reports bytes; set directly so no report lands after the bar is done.</summary>
    private sealed class BarProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = Math.Min(value, task.MaxValue);
    }
}
