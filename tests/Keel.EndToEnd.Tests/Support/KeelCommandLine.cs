using System.Text;
using System.Text.Json.Nodes;
using Keel.Cli;

namespace Keel.EndToEnd.Tests.Support;

/// <summary>What one in-process <c>keel</c> invocation printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("stdout was JSON null");

    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real command tree in this process with its own writers and environment, so tests neither see the
/// developer's KEEL_* variables nor race each other over process-wide state.
/// </summary>
internal static class KeelCommandLine
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var exitCode = await KeelCli.RunAsync(args, Host(stdout, stderr, environment), TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.Text, stderr.Text);
    }

    public static CliHost Host(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new(
            stdout,
            stderr,
            IsTerminal: false,
            name => environment?.GetValueOrDefault(name),
            workingDirectory ?? Path.GetTempPath(),
            TimeProvider.System);
}

/// <summary>A string writer that can be read while another thread (a running server command) writes to it.</summary>
internal sealed class SynchronizedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            _text.Append(buffer, index, count);
        }
    }
}
