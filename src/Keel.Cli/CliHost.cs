namespace Keel.Cli;

/// <summary>
/// What one CLI invocation sees of the outside world: its output streams, whether stdout is a terminal,
/// its environment and working directory, and the clock. Tests build one over string writers.
/// </summary>
internal sealed record CliHost(
    TextWriter Out,
    TextWriter Error,
    bool IsTerminal,
    Func<string, string?> GetEnvironmentVariable,
    string WorkingDirectory,
    TimeProvider Time)
{
    public static CliHost FromConsole() => new(
        Console.Out,
        Console.Error,
        IsTerminal: !Console.IsOutputRedirected,
        Environment.GetEnvironmentVariable,
        Environment.CurrentDirectory,
        TimeProvider.System);

    /// <summary>The variable's value, or null when it is unset or blank.</summary>
    public string? Variable(string name) =>
        GetEnvironmentVariable(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
