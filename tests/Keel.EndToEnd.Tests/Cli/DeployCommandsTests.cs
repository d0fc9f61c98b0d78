using Keel.Client;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class DeployCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-deploy");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);

    private static string NewName() => $"dep-{Guid.NewGuid():N}";

    /// <summary>A registered model with versions 1 and 2, aliased champion → 1 and challenger → 2.</summary>
    private async Task<string> ModelAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = ModelRuns.NewModelName();
        await _client.CreateRegisteredModelAsync(name, ct: ct);
        await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: ct);
        await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: ct);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, ct);
        await _client.SetRegisteredModelAliasAsync(name, "challenger", 2, ct);
        return name;
    }

    private async Task<(string Name, string Model)> CreatedAsync()
    {
        var model = await ModelAsync();
        var name = NewName();
        var created = await Keel("deploy", "create", name,
            "--route", $"champion=models:/{model}@champion:90", "--route", $"challenger=models:/{model}@challenger:10");
        Assert.True(created.ExitCode == 0, created.ToString());
        return (name, model);
    }

    [Fact]
    public async Task Create_Routes_PrintsTheRevisionAndShares()
    {
        var model = await ModelAsync();
        var name = NewName();

        var result = await Keel("deploy", "create", name,
            "--route", $"champion=models:/{model}@champion:90", "--route", $"challenger=models:/{model}@challenger:10",
            "--shadow", $"candidate=models:/{model}/2", "--sticky-header", "X-User");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Created deployment '{name}' at revision 1.", result.Stdout, StringComparison.Ordinal);
        var champion = Assert.Single(result.Stdout.Split('\n'), l => l.Contains("champion ", StringComparison.Ordinal) && l.Contains('%'));
        Assert.Contains("90%", champion, StringComparison.Ordinal);
        Assert.Contains("candidate", result.Stdout, StringComparison.Ordinal);
        var stored = await _client.GetDeploymentAsync(name, TestContext.Current.CancellationToken);
        Assert.Equal("X-User", stored.Spec.StickyHeader);
        Assert.Equal([90d, 10d], stored.Spec.Routes.Select(r => r.Weight!.Value));
    }

    [Fact]
    public async Task Create_File_ReadsTheYamlAndAnswersJson()
    {
        var model = await ModelAsync();
        var name = NewName();
        var file = Path.Combine(_local.Path, "deployment.yaml");
        await File.WriteAllTextAsync(file, $"""
            name: {name}
            routes:
              - name: champion
                model_uri: models:/{model}@champion
                weight: 3
              - name: challenger
                model_uri: "models:/{model}@challenger"
                weight: 1
            shadows:
              - name: candidate
                model_uri: models:/{model}/2
            sticky_header: X-Tenant
            """, TestContext.Current.CancellationToken);

        var result = await Keel("deploy", "create", "--file", file, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(name, result.Json["name"]!.GetValue<string>());
        Assert.Equal(1, result.Json["revision"]!.GetValue<long>());
        Assert.Equal(3, result.Json["spec"]!["routes"]![0]!["weight"]!.GetValue<double>());
        Assert.Equal("X-Tenant", result.Json["spec"]!["sticky_header"]!.GetValue<string>());
        Assert.Equal("candidate", result.Json["spec"]!["shadows"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_ThenShow_ShowsTheNewRevision()
    {
        var (name, model) = await CreatedAsync();

        var update = await Keel("deploy", "update", name, "--route", $"champion=models:/{model}@champion:50", "--route", $"challenger=models:/{model}/2:50");
        var show = await Keel("deploy", "show", name);
        var json = await Keel("deploy", "show", name, "-o", "json");

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains($"Updated deployment '{name}' to revision 2.", update.Stdout, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(name, show.Stdout, StringComparison.Ordinal);
        Assert.Contains("none (random routing)", show.Stdout, StringComparison.Ordinal);
        Assert.Contains($"models:/{model}/2", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, json.Json["revision"]!.GetValue<long>());
        Assert.Equal(50, json.Json["spec"]!["routes"]![0]!["weight"]!.GetValue<double>());
    }

    [Fact]
    public async Task List_ShowsEachDeploymentWithItsRevision()
    {
        var (first, _) = await CreatedAsync();
        var (second, _) = await CreatedAsync();

        var table = await Keel("deploy", "list");
        var json = await Keel("deploy", "list", "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var row = Assert.Single(table.Stdout.Split('\n'), l => l.Contains(first, StringComparison.Ordinal));
        Assert.Contains("champion 90%", row, StringComparison.Ordinal);
        Assert.Contains(second, table.Stdout, StringComparison.Ordinal);
        var names = json.Json["deployments"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToList();
        Assert.Contains(first, names);
        Assert.Contains(second, names);
    }

    [Fact]
    public async Task History_And_Rollback_RestoreThePreviousSpec()
    {
        var (name, model) = await CreatedAsync();
        await Keel("deploy", "update", name, "--route", $"champion=models:/{model}@champion:10", "--route", $"challenger=models:/{model}@challenger:90");

        var rollback = await Keel("deploy", "rollback", name);
        var history = await Keel("deploy", "history", name);
        var historyJson = await Keel("deploy", "history", name, "-o", "json");
        var toFirst = await Keel("deploy", "rollback", name, "--to-revision", "2", "-o", "json");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains($"Rolled back deployment '{name}': revision 3", rollback.Stdout, StringComparison.Ordinal);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("3 revision(s)", history.Stdout, StringComparison.Ordinal);
        Assert.Equal([3L, 2L, 1L], historyJson.Json["revisions"]!.AsArray().Select(r => r!["revision"]!.GetValue<long>()));
        Assert.Equal(90, historyJson.Json["revisions"]![0]!["spec"]!["routes"]![0]!["weight"]!.GetValue<double>());
        Assert.True(toFirst.ExitCode == 0, toFirst.ToString());
        Assert.Equal(4, toFirst.Json["revision"]!.GetValue<long>());
        Assert.Equal(10, toFirst.Json["spec"]!["routes"]![0]!["weight"]!.GetValue<double>());
    }

    [Fact]
    public async Task Rollback_WithoutHistory_FailsWithOneLine()
    {
        var (name, _) = await CreatedAsync();

        var result = await Keel("deploy", "rollback", name);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: INVALID_STATE: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Contains("no earlier revision", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_NeedsYes_ThenRemovesIt()
    {
        var (name, _) = await CreatedAsync();

        var refused = await Keel("deploy", "delete", name);
        var deleted = await Keel("deploy", "delete", name, "--yes");
        var show = await Keel("deploy", "show", name);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("pass --yes", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal($"Deleted deployment '{name}'.", deleted.Stdout.Trim());
        Assert.Equal(1, show.ExitCode);
        Assert.Equal($"error: RESOURCE_DOES_NOT_EXIST: Deployment '{name}' not found.", Assert.Single(show.StderrLines));
    }

    [Theory]
    [InlineData("champion", "invalid --route 'champion': expected <name>=<model-uri>:<weight>")]
    [InlineData("champion=models:/m/1", "invalid --route 'champion=models:/m/1': expected <name>=<model-uri>:<weight>")]
    [InlineData("champion=models:/m/1:lots", "expected <name>=<model-uri>:<weight>")]
    public async Task Create_MalformedRoute_IsAUsageError(string route, string expected)
    {
        var result = await Keel("deploy", "create", NewName(), "--route", route);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BrokenRule_FailsWithTheServersOneLine()
    {
        var model = await ModelAsync();

        var weight = await Keel("deploy", "create", NewName(), "--route", $"a=models:/{model}/1:-1");
        var header = await Keel("deploy", "create", NewName(), "--route", $"a=models:/{model}/1:1", "--sticky-header", "X User");
        var typo = await Keel("deploy", "create", NewName(), "--route", $"a=models:/{model}-typo/1:1");

        Assert.Equal(1, weight.ExitCode);
        Assert.StartsWith("error: INVALID_PARAMETER_VALUE: ", Assert.Single(weight.StderrLines), StringComparison.Ordinal);
        Assert.Contains("'routes[0].weight'", weight.Stderr, StringComparison.Ordinal);
        Assert.Contains("'sticky_header'", Assert.Single(header.StderrLines), StringComparison.Ordinal);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: Route 'a'", Assert.Single(typo.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TakenName_Fails()
    {
        var (name, model) = await CreatedAsync();

        var result = await Keel("deploy", "create", name, "--route", $"a=models:/{model}/1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: RESOURCE_ALREADY_EXISTS: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_FileProblems_AreOneLine()
    {
        var file = Path.Combine(_local.Path, $"bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "name: x\nroutes:\n  - {name: a, model_uri: 'models:/m/1', wieght: 1}\n", TestContext.Current.CancellationToken);

        var missing = await Keel("deploy", "create", "--file", Path.Combine(_local.Path, "absent.yaml"));
        var bad = await Keel("deploy", "create", "--file", file);
        var mixed = await Keel("deploy", "create", "--file", file, "--route", "a=models:/m/1:1");
        var nothing = await Keel("deploy", "create", NewName());

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", Assert.Single(missing.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Unknown key 'routes[0].wieght'", Assert.Single(bad.StderrLines), StringComparison.Ordinal);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("do not combine", Assert.Single(mixed.StderrLines), StringComparison.Ordinal);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("at least one --route", Assert.Single(nothing.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDeployment_FailsForEveryReadCommand()
    {
        foreach (var command in new[] { "show", "history", "rollback" })
        {
            var result = await Keel("deploy", command, "no-such-deployment");

            Assert.Equal(1, result.ExitCode);
            Assert.Equal("error: RESOURCE_DOES_NOT_EXIST: Deployment 'no-such-deployment' not found.", Assert.Single(result.StderrLines));
        }
    }

    [Fact]
    public async Task Help_ListsEveryDeployCommand()
    {
        var result = await KeelCommandLine.RunAsync("deploy");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "create", "update", "show", "list", "history", "rollback", "delete" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }
}
