using Keel.Core.Pipelines;
using Keel.Pipelines.Processes;

namespace Keel.Workers.Stages;

/// <summary>
/// Runs one attempt of a stage's command on a worker so that it dies with the worker. A worker killed outright
/// (SIGKILL, OOM) runs no cleanup, and its stage is recovered on another worker; a command left running would then
/// race its successor over nothing shared, but would still burn CPU and could write to external systems. So the
/// command runs as <c>setsid setpriv --pdeathsig TERM /bin/sh -c '…'</c>: its own session (process group), whose
/// shell kills the whole group when the kernel reports the worker's death.
/// </summary>
/// <remarks>
/// Linux delivers the parent-death signal when the <em>thread</em> that forked the child exits, not the process, so
/// each attempt is started from a dedicated thread that lives until the attempt ends. Without <c>setsid</c> and
/// <c>setpriv</c> (util-linux) on the PATH the command runs plainly and may outlive a killed worker.
/// </remarks>
public sealed class StageCommandLauncher(StageProcessRunner runner)
{
    /// <summary>The variable carrying the stage's real command into the guarding shell, so it needs no quoting.</summary>
    public const string CommandVariable = "KEEL_STAGE_CMD";

    private const string GuardedCommand =
        "exec setsid setpriv --pdeathsig TERM -- /bin/sh -c 'trap \"kill -KILL 0\" TERM; /bin/sh -c \"$" + CommandVariable + "\" & wait $!'";

    private static readonly Lazy<bool> ToolsPresent = new(() => OnPath("setsid") && OnPath("setpriv"));

    /// <summary>True when commands are guarded (see the type's remarks).</summary>
    public static bool DiesWithWorker => OperatingSystem.IsLinux() && ToolsPresent.Value;

    /// <summary>Runs attempt <paramref name="number"/> of <paramref name="stage"/> in <paramref name="pipelineRoot"/>, writing its output to <paramref name="log"/>.</summary>
    public Task<StageAttemptResult> RunAttemptAsync(StageSpec stage, string pipelineRoot, int number, TextWriter log, Action<string>? onLine, CancellationToken ct)
    {
        var options = StageProcessOptions.ForStage(stage, pipelineRoot);
        if (!DiesWithWorker)
        {
            return runner.RunAttemptAsync(options, number, log, onLine, ct);
        }
        var environment = new Dictionary<string, string>(options.Environment, StringComparer.Ordinal) { [CommandVariable] = options.Command };
        var guarded = options with { Command = GuardedCommand, Environment = environment };
        var result = new TaskCompletionSource<StageAttemptResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                // Blocking keeps the forking thread alive until the attempt ends (see remarks).
                result.SetResult(runner.RunAttemptAsync(guarded, number, log, onLine, ct).GetAwaiter().GetResult());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"keel stage {stage.Name}",
        };
        thread.Start();
        return result.Task;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, tool)));
}
