using System.CommandLine;
using Keel.Data.Tabular;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data add|status|diff|checkout|push|pull|gc|validate</c>: version data files and folders with pointer files
/// kept in git and content-defined chunks kept in <c>.keel/cache</c> and on the server.
/// </summary>
internal static class DataCommands
{
    public static Command Create(CliHost host)
    {
        // --tracking-uri/--data-dir matter to push and pull only; --output applies to every subcommand.
        var options = new ClientOptions();
        var group = options.AddTo(new Command("data", "Version data with pointer files in git: add, status, diff, checkout, push, pull, gc, validate"));
        // One line per subcommand, each built by its own file: group.Subcommands.Add(DataXxxCommand.Create(options, host));
        group.Subcommands.Add(DataAddCommand.Create(options, host));
        group.Subcommands.Add(DataStatusCommand.Create(options, host));
        group.Subcommands.Add(DataCheckoutCommand.Create(options, host));
        group.Subcommands.Add(DataDiffCommand.Create(options, host, CachedTabular.DiffAsync));
        group.Subcommands.Add(DataGcCommand.Create(options, host));
        group.Subcommands.Add(DataPushCommand.Create(options, host));
        group.Subcommands.Add(DataPullCommand.Create(options, host, (items, output, ct) => DataCheckoutCommand.AfterPullAsync(items, output, host, ct)));
        group.Subcommands.Add(DataValidateCommand.Create(options, host));
        return group;
    }
}
