using System.Net;
using System.Net.Sockets;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class CliErrorTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    [Fact]
    public async Task RunsShow_UnknownRunId_ExitsOneWithOneResourceDoesNotExistLine()
    {
        var shown = await KeelCommandLine.RunAsync("runs", "show", "0123456789abcdef0123456789abcdef", "--tracking-uri", fixture.Server.BaseAddress.ToString());

        Assert.Equal(1, shown.ExitCode);
        var line = Assert.Single(shown.StderrLines);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: ", line, StringComparison.Ordinal);
        Assert.Empty(shown.Stdout);
    }

    [Fact]
    public async Task RunsList_UnknownExperimentName_ExitsOneWithOneLine()
    {
        var listed = await KeelCommandLine.RunAsync("runs", "list", "--experiment-name", $"missing-{Guid.NewGuid():N}", "--tracking-uri", fixture.Server.BaseAddress.ToString());

        Assert.Equal(1, listed.ExitCode);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: no experiment named", Assert.Single(listed.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentsList_UnreachableServer_ExitsOneWithOneActionableLine()
    {
        var deadUri = $"http://127.0.0.1:{FreePort()}/";

        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--tracking-uri", deadUri);

        Assert.Equal(1, listed.ExitCode);
        var line = Assert.Single(listed.StderrLines);
        Assert.StartsWith($"error: cannot reach tracking server at {deadUri}: ", line, StringComparison.Ordinal);
        Assert.EndsWith("start one with `keel server`", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_UnreachableServerFromEnvironment_ExitsOneWithOneLine()
    {
        var listed = await KeelCommandLine.RunAsync(
            new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = $"http://127.0.0.1:{FreePort()}" }, "runs", "list");

        Assert.Equal(1, listed.ExitCode);
        Assert.Contains("cannot reach tracking server at http://127.0.0.1:", Assert.Single(listed.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwoWithOneLine()
    {
        var result = await KeelCommandLine.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("'frobnicate'", line, StringComparison.Ordinal);
        Assert.EndsWith("See 'keel --help'.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwoAndPointsAtTheCommandsHelp()
    {
        var result = await KeelCommandLine.RunAsync("runs", "list", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Unrecognized command or argument '--bogus'. See 'keel runs list --help'.", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task InvalidOutputFormat_ExitsTwoWithOneLine()
    {
        var result = await KeelCommandLine.RunAsync("experiments", "list", "--output", "xml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'xml'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidTrackingUri_ExitsTwoWithOneLine()
    {
        var result = await KeelCommandLine.RunAsync("experiments", "list", "--tracking-uri", "ftp://example");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: invalid tracking URI 'ftp://example': expected an http:// or https:// URL", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task BareCommandGroup_PrintsItsHelp()
    {
        var result = await KeelCommandLine.RunAsync("runs");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var subcommand in new[] { "list", "show", "compare", "delete", "restore" })
        {
            Assert.Contains(subcommand, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_ListsEveryCommandGroup()
    {
        var result = await KeelCommandLine.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "server", "experiments", "runs", "artifacts", "models", "quickstart" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
