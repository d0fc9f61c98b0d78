using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.Json;
using Keel.Cli.Commands;
using Keel.Client;
using Keel.Core.Common;

namespace Keel.Cli;

/// <summary>The <c>keel</c> command line: builds the command tree, runs it, and turns failures into one line.</summary>
internal static class KeelCli
{
    public static RootCommand CreateRootCommand(CliHost host)
    {
        var root = new RootCommand("Keel: a self-hosted MLOps platform whose tracking server speaks MLflow's REST API.");
        root.Subcommands.Add(ServerCommand.Create(host));
        root.Subcommands.Add(WorkerCommand.Create(host));
        root.Subcommands.Add(ExperimentsCommands.Create(host));
        root.Subcommands.Add(RunsCommands.Create(host));
        root.Subcommands.Add(ArtifactsCommands.Create(host));
        root.Subcommands.Add(ModelsCommands.Create(host));
        root.Subcommands.Add(DeployCommands.Create(host));
        root.Subcommands.Add(DataCommands.Create(host));
        root.Subcommands.Add(DatasetsCommands.Create(host));
        root.Subcommands.Add(PipelinesCommands.Create(host));
        root.Subcommands.Add(MonitorCommands.Create(host));
        root.Subcommands.Add(ServeCommand.Create(host));
        root.Subcommands.Add(PredictCommand.Create(host));
        root.Subcommands.Add(QuickstartCommand.Create(host));
        root.Subcommands.Add(Quickstart.Retraining.RetrainStageCommand.Create(host));
        root.Subcommands.Add(RunCommand.Create(host));
        return root;
    }

    // No response files: "@champion" is an alias argument (`--against @champion`), never a file of arguments to read.
    private static ParserConfiguration ParserConfiguration { get; } = new() { ResponseFileTokenReplacer = null };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliHost host, CancellationToken ct = default)
    {
        var root = CreateRootCommand(host);
        var parseResult = root.Parse(args, ParserConfiguration);
        var configuration = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
        };

        if (parseResult.Action is ParseErrorAction)
        {
            if (IsBareCommandGroup(parseResult))
            {
                // `keel` or `keel runs` alone: show what can follow rather than an error.
                return await root.Parse([.. args, "--help"], ParserConfiguration).InvokeAsync(configuration, ct);
            }

            return Fail(host, UsageErrorLine(parseResult), ExitCodes.Usage);
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (Describe(e) is { } failure)
        {
            return Fail(host, failure.Message, failure.ExitCode);
        }
    }

    private static bool IsBareCommandGroup(ParseResult parseResult) =>
        parseResult.CommandResult.Command.Subcommands.Count > 0
        && parseResult.Errors.Count == 1
        && parseResult.Tokens.All(t => t.Type == TokenType.Command);

    private static string UsageErrorLine(ParseResult parseResult)
    {
        var messages = parseResult.Errors.Select(e => OneLine(e.Message)).Distinct().ToList();
        if (messages.Count > 1)
        {
            // "Required command was not provided" only restates the unrecognized token next to it.
            messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
        }

        var command = string.Join(' ', CommandPath(parseResult.CommandResult.Command, parseResult.RootCommandResult.Command));
        return $"{string.Join("; ", messages)} See '{command} --help'.";
    }

    private static List<string> CommandPath(Command command, Command root)
    {
        var names = new List<string>();
        for (var current = command; current is not null && current != root; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        names.Insert(0, "keel");
        return names;
    }

    private static (string Message, int ExitCode)? Describe(Exception e) => e switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        KeelApiException api => ($"{api.ErrorCode}: {api.Message}", ExitCodes.Failure),
        KeelException keel => (keel.Message, ExitCodes.Failure),
        IOException or UnauthorizedAccessException or ArgumentException => (e.Message, ExitCodes.Failure),
        JsonException => ($"unexpected response: {e.Message}", ExitCodes.Failure),
        OperationCanceledException => ("the operation was cancelled", ExitCodes.Interrupted),
        _ => ($"unexpected {e.GetType().Name}: {e.Message}", ExitCodes.Failure),
    };

    private static int Fail(CliHost host, string message, int exitCode)
    {
        host.Error.WriteLine($"error: {OneLine(message)}");
        return exitCode;
    }

    /// <summary>Collapses a multi-line message (System.CommandLine lists allowed values on new lines).</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
