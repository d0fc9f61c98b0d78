using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.ScaleOut;

/// <summary>The <c>keel server --db-*</c> flags: checked before anything starts.</summary>
public sealed class DatabaseFlagsTests
{
    [Fact]
    public async Task Server_DatabaseFlagWithoutPostgres_FailsNamingTheFlags()
    {
        using var data = new TempDirectory("keel-dbflags");
        var result = await KeelCommandLine.RunAsync("server", "--port", "0", "--data-dir", data.Path, "--db-pool-size", "4");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("postgresql://", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--db-pool-size")]
    [InlineData("--db-connect-timeout")]
    [InlineData("--db-command-timeout")]
    public async Task Server_DatabaseFlagBelowOne_IsRefused(string flag)
    {
        using var data = new TempDirectory("keel-dbflags");
        var result = await KeelCommandLine.RunAsync("server", "--port", "0", "--data-dir", data.Path,
            "--backend-store-uri", "postgresql://postgres@127.0.0.1:1/keel", flag, "0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(flag, result.Stderr, StringComparison.Ordinal);
    }
}
