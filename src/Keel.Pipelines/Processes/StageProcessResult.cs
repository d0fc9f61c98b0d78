namespace Keel.Pipelines.Processes;

/// <summary>One attempt at a stage's command.</summary>
/// <param name="Number">1-based attempt number.</param>
/// <param name="ExitCode">The command's exit code; null when it was killed for its timeout or could not start.</param>
/// <param name="TimedOut">True when the attempt exceeded its timeout and was killed.</param>
/// <param name="Duration">Wall time of the attempt.</param>
/// <param name="Message">Empty on success, else why it failed: "exit code 3", "timed out after 10m", "cannot start: …".</param>
public sealed record StageAttemptResult(int Number, int? ExitCode, bool TimedOut, TimeSpan Duration, string Message)
{
    /// <summary>True when the command exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>The outcome of a stage's command after all its attempts.</summary>
/// <param name="Attempts">Every attempt, oldest first; the last one decides the outcome.</param>
/// <param name="Duration">Wall time from the first attempt's start to the last one's end, backoff waits included.</param>
public sealed record StageProcessResult(IReadOnlyList<StageAttemptResult> Attempts, TimeSpan Duration)
{
    /// <summary>True when the last attempt exited with code 0.</summary>
    public bool Succeeded => Attempts[^1].Succeeded;

    /// <summary>The last attempt's exit code (null when it timed out or could not start).</summary>
    public int? ExitCode => Attempts[^1].ExitCode;

    /// <summary>Empty on success, else the last attempt's failure, e.g. "timed out after 10m (3 attempts)".</summary>
    public string Message => Succeeded ? ""
        : Attempts.Count == 1 ? Attempts[^1].Message : $"{Attempts[^1].Message} ({Attempts.Count} attempts)";
}
