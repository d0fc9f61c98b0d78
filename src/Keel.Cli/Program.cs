using Keel.Cli;

return await KeelCli.RunAsync(args, CliHost.FromConsole());
