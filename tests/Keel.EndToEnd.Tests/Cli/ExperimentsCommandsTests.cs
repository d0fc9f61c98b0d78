using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class ExperimentsCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private string Uri => fixture.Server.BaseAddress.ToString();

    [Fact]
    public async Task Create_NewName_PrintsIdThatListFinds()
    {
        var name = UniqueName("create");

        var created = await KeelCommandLine.RunAsync("experiments", "create", name, "--tracking-uri", Uri, "--output", "json");
        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--tracking-uri", Uri, "--output", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Json["experiment_id"]!.GetValue<string>();
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var experiment = Assert.Single(listed.Json["experiments"]!.AsArray(), e => e!["name"]!.GetValue<string>() == name);
        Assert.Equal(id, experiment!["experiment_id"]!.GetValue<string>());
        Assert.Equal("active", experiment["lifecycle_stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithArtifactLocation_StoresIt()
    {
        var name = UniqueName("located");
        var location = $"mlflow-artifacts:/{name}";

        var created = await KeelCommandLine.RunAsync(
            "experiments", "create", name, "--artifact-location", location, "--tracking-uri", Uri, "-o", "json");
        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--filter", $"name = '{name}'", "--tracking-uri", Uri, "-o", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        var experiment = Assert.Single(listed.Json["experiments"]!.AsArray());
        Assert.Equal(location, experiment!["artifact_location"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_TableOutput_ShowsIdAndName()
    {
        var name = UniqueName("table");
        var id = await CreateAsync(name);

        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--tracking-uri", Uri);

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var row = Assert.Single(listed.Stdout.Split('\n'), line => line.Contains(name, StringComparison.Ordinal));
        Assert.Contains(id, row, StringComparison.Ordinal);
        Assert.Empty(listed.Stderr);
    }

    [Fact]
    public async Task List_MaxResults_LimitsTheCount()
    {
        await CreateAsync(UniqueName("max-a"));
        await CreateAsync(UniqueName("max-b"));

        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--max-results", "1", "--tracking-uri", Uri, "-o", "json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Single(listed.Json["experiments"]!.AsArray());
    }

    [Fact]
    public async Task Rename_ExistingExperiment_PrintsTheNewName()
    {
        var id = await CreateAsync(UniqueName("old"));
        var newName = UniqueName("new");

        var renamed = await KeelCommandLine.RunAsync("experiments", "rename", id, newName, "--tracking-uri", Uri, "-o", "json");

        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.Equal(newName, renamed.Json["experiment"]!["name"]!.GetValue<string>());
        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--filter", $"name = '{newName}'", "--tracking-uri", Uri, "-o", "json");
        Assert.Equal(id, Assert.Single(listed.Json["experiments"]!.AsArray())!["experiment_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteThenRestore_Experiment_MovesBetweenViews()
    {
        var name = UniqueName("lifecycle");
        var id = await CreateAsync(name);

        var deleted = await KeelCommandLine.RunAsync("experiments", "delete", id, "--tracking-uri", Uri, "-o", "json");
        var active = await ListIdsAsync("active");
        var deletedView = await ListIdsAsync("deleted");
        var restored = await KeelCommandLine.RunAsync("experiments", "restore", id, "--tracking-uri", Uri);
        var activeAgain = await ListIdsAsync("active");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("deleted", deleted.Json["experiment"]!["lifecycle_stage"]!.GetValue<string>());
        Assert.DoesNotContain(id, active);
        Assert.Contains(id, deletedView);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"Restored experiment {id} '{name}' (now active).", restored.Stdout, StringComparison.Ordinal);
        Assert.Contains(id, activeAgain);
        Assert.Contains(id, await ListIdsAsync("all"));
    }

    [Fact]
    public async Task Create_DuplicateName_FailsWithResourceAlreadyExists()
    {
        var name = UniqueName("dup");
        await CreateAsync(name);

        var again = await KeelCommandLine.RunAsync("experiments", "create", name, "--tracking-uri", Uri);

        Assert.Equal(1, again.ExitCode);
        var line = Assert.Single(again.StderrLines);
        Assert.StartsWith("error: RESOURCE_ALREADY_EXISTS: ", line, StringComparison.Ordinal);
        Assert.Empty(again.Stdout);
    }

    [Fact]
    public async Task List_TrackingUriFromEnvironment_UsesKeelThenMlflowVariable()
    {
        var name = UniqueName("env");
        await CreateAsync(name);

        var fromKeel = await KeelCommandLine.RunAsync(
            new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = Uri, ["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:1" },
            "experiments", "list", "-o", "json");
        var fromMlflow = await KeelCommandLine.RunAsync(
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = Uri },
            "experiments", "list", "-o", "json");

        Assert.True(fromKeel.ExitCode == 0, fromKeel.ToString());
        Assert.Contains(fromKeel.Json["experiments"]!.AsArray(), e => e!["name"]!.GetValue<string>() == name);
        Assert.True(fromMlflow.ExitCode == 0, fromMlflow.ToString());
        Assert.Contains(fromMlflow.Json["experiments"]!.AsArray(), e => e!["name"]!.GetValue<string>() == name);
    }

    private async Task<string> CreateAsync(string name)
    {
        var created = await KeelCommandLine.RunAsync("experiments", "create", name, "--tracking-uri", Uri, "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        return created.Json["experiment_id"]!.GetValue<string>();
    }

    private async Task<List<string>> ListIdsAsync(string view)
    {
        var listed = await KeelCommandLine.RunAsync("experiments", "list", "--view", view, "--tracking-uri", Uri, "-o", "json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. (listed.Json["experiments"]?.AsArray() ?? []).Select(e => e!["experiment_id"]!.GetValue<string>())];
    }

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
