using System.Text.RegularExpressions;
using Keel.Cli;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed partial class ServerCommandTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    [InlineData("example.com")]
    public async Task Server_NonLoopbackHostWithoutInsecure_IsRefused(string host)
    {
        using var data = new TempDirectory("keel-e2e-refused");

        var result = await KeelCommandLine.RunAsync("server", "--host", host, "--port", "0", "--data-dir", data.Path);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"error: refusing to listen on '{host}': Keel has no authentication yet", line, StringComparison.Ordinal);
        Assert.Contains("--insecure", line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task Server_PortZero_ServesTheDataDirUntilCancelled()
    {
        using var data = new TempDirectory("keel-e2e-server");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();

        var serving = KeelCli.RunAsync(["server", "--port", "0", "--data-dir", data.Path], KeelCommandLine.Host(stdout, stderr), stop.Token);
        var url = await WaitForUrlAsync(stdout, serving);
        var created = await KeelCommandLine.RunAsync("experiments", "create", "served", "--tracking-uri", url, "-o", "json");
        await stop.CancelAsync();
        var exitCode = await serving;

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.Text);
        Assert.Contains($"data:   {data.Path}", stdout.Text, StringComparison.Ordinal);

        // The experiment outlives the process's server: another server over the same folder finds it.
        await using var reopened = await KeelTestServer.StartAsync(data.Path, TestContext.Current.CancellationToken);
        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--tracking-uri", reopened.BaseAddress.ToString(), "-o", "json");
        Assert.Contains(listed.Json["experiments"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "served");
    }

    [Fact]
    public async Task Server_InvalidBackendStoreUri_ExitsOneWithOneLine()
    {
        using var data = new TempDirectory("keel-e2e-backend");

        var result = await KeelCommandLine.RunAsync("server", "--port", "0", "--data-dir", data.Path, "--backend-store-uri", "oracle://db");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    private static async Task<string> WaitForUrlAsync(SynchronizedWriter stdout, Task<int> serving)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (ListeningUrl().Match(stdout.Text) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }

            Assert.False(serving.IsCompleted, $"keel server exited early with {(serving.IsCompleted ? serving.Result : 0)}: {stdout.Text}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"keel server printed no URL within 30 s: {stdout.Text}");
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningUrl();
}
