using Keel.Client;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel models promote|approve|rollback|history|card</c> against a real server.</summary>
public sealed class ModelsGovernanceCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-governance");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);

    private async Task<string> ModelAsync(int versions, bool requireApproval = false)
    {
        var ct = TestContext.Current.CancellationToken;
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = ModelRuns.NewModelName();
        await _client.CreateRegisteredModelAsync(name, ct: ct);
        for (var i = 1; i <= versions; i++)
        {
            await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: ct);
            await _client.SetModelVersionTagAsync(name, i, "keel.validation.status", "passed", ct);
        }
        if (requireApproval)
        {
            await _client.SetRegisteredModelTagAsync(name, "keel.policy.require_approval", "true", ct);
        }
        return name;
    }

    [Fact]
    public async Task PromoteApproveRollbackHistory_FollowTheRulesAndRecordEachMove()
    {
        var name = await ModelAsync(2, requireApproval: true);

        var first = await Keel("models", "approve", $"models:/{name}/1", "--alias", "champion", "--user", "bob", "--comment", "ok");
        var promoted = await Keel("models", "promote", $"models:/{name}/1", "--alias", "champion", "--user", "ann", "--reason", "first release");
        var selfApproved = await Keel("models", "approve", $"models:/{name}/2", "--alias", "champion", "--user", "ann");
        var refused = await Keel("models", "promote", $"models:/{name}/2", "--alias", "champion", "--user", "ann");
        await Keel("models", "approve", $"models:/{name}/2", "--alias", "champion", "--user", "bob");
        var second = await Keel("models", "promote", $"models:/{name}/2", "--alias", "champion", "--user", "ann", "-o", "json");
        var rolledBack = await Keel("models", "rollback", name, "--alias", "champion", "--user", "ops", "--reason", "canary errors");
        var nothing = await Keel("models", "rollback", name, "--alias", "champion");
        var table = await Keel("models", "history", name, "--alias", "champion");
        var json = await Keel("models", "history", name, "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Equal($"Promoted: alias 'champion' of {name} now points at version 1 (was unset).", promoted.Stdout.Trim());
        Assert.True(selfApproved.ExitCode == 0, selfApproved.ToString());
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("self-approval does not count", refused.Stderr, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(1, second.Json["previous_version"]!.GetValue<long>());
        Assert.Equal($"Rolled back: alias 'champion' of {name} now points at version 1 (was version 2).", rolledBack.Stdout.Trim());
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("Nothing to roll back", nothing.Stderr, StringComparison.Ordinal);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("canary errors", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("first release", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(["promote", "promote", "rollback"], json.Json["moves"]!.AsArray().Select(m => m!["kind"]!.GetValue<string>()));
        Assert.Equal(["ann", "ann", "ops"], json.Json["moves"]!.AsArray().Select(m => m!["user"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Promote_UsesKeelUserWhenNoFlagIsGiven_AndRefusesAnUnvalidatedVersion()
    {
        var name = await ModelAsync(1);
        await _client.CreateModelVersionAsync(name, (await _client.GetModelVersionAsync(name, 1, TestContext.Current.CancellationToken)).Source!,
            ct: TestContext.Current.CancellationToken);

        var promoted = await KeelCommandLine.RunAsync(new Dictionary<string, string> { ["KEEL_USER"] = "dana" },
            "models", "promote", $"models:/{name}/1", "--alias", "champion", "--tracking-uri", Uri, "-o", "json");
        var unvalidated = await Keel("models", "promote", $"models:/{name}/2", "--alias", "champion");
        var badUri = await Keel("models", "promote", "churn-7", "--alias", "champion");
        var noAlias = await Keel("models", "promote", $"models:/{name}/1");

        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Equal("dana", promoted.Json["user"]!.GetValue<string>());
        Assert.NotEqual(0, unvalidated.ExitCode);
        Assert.Contains("keel.validation.status", unvalidated.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, badUri.ExitCode);
        Assert.Contains("invalid model URI", badUri.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, noAlias.ExitCode);
        Assert.Contains("--alias", noAlias.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_WritesMarkdownToStdoutAndHtmlToAFile()
    {
        var name = await ModelAsync(1);
        var file = Path.Combine(_local.Path, "card.html");

        var md = await Keel("models", "card", $"models:/{name}/1");
        var html = await Keel("models", "card", $"models:/{name}/1", "--format", "html", "--output-file", file);
        var badFormat = await Keel("models", "card", $"models:/{name}/1", "--format", "pdf");
        var badFolder = await Keel("models", "card", $"models:/{name}/1", "--output-file", Path.Combine(_local.Path, "missing", "card.md"));

        Assert.True(md.ExitCode == 0, md.ToString());
        Assert.StartsWith($"# Model card: {name} version 1", md.Stdout, StringComparison.Ordinal);
        Assert.Contains("## Validation", md.Stdout, StringComparison.Ordinal);
        Assert.True(html.ExitCode == 0, html.ToString());
        Assert.Contains("<h2>Lineage</h2>", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.NotEqual(0, badFormat.ExitCode);
        Assert.NotEqual(0, badFolder.ExitCode);
        Assert.Contains("does not exist", badFolder.Stderr, StringComparison.Ordinal);
    }
}
