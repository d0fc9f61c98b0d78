namespace Keel.Cli;

/// <summary>A mistake the user can fix: printed as one line on stderr, never with a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>Bad flags or arguments, as System.CommandLine reports parse errors.</summary>
    public const int Usage = 2;

    public const int Interrupted = 130;
}
