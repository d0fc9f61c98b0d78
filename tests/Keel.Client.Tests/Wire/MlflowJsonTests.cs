using System.Text.Json;
using Keel.Contracts.Mlflow;

namespace Keel.Client.Tests.Wire;

/// <summary>The wire contract as MLflow servers write it: empty lists and messages left out.</summary>
public sealed class MlflowJsonTests
{
    [Fact]
    public void Deserialize_RunWithoutDataOrInputs_GivesEmptyLists()
    {
        const string json = """{"run": {"info": {"run_id": "r", "run_uuid": "r", "experiment_id": "0", "status": "RUNNING", "lifecycle_stage": "active"}}}""";

        var response = JsonSerializer.Deserialize<RunResponse>(json, MlflowJson.Options)!;

        Assert.Empty(response.Run.Data.Metrics);
        Assert.Empty(response.Run.Data.Params);
        Assert.Empty(response.Run.Inputs.DatasetInputs);
    }

    [Fact]
    public void Deserialize_EmptySearch_GivesEmptyListAndNoToken()
    {
        var response = JsonSerializer.Deserialize<SearchRunsResponse>("{}", MlflowJson.Options)!;

        Assert.Empty(response.Runs);
        Assert.Null(response.NextPageToken);
    }

    [Fact]
    public void Serialize_RequestWithNullAndEmptyLists_LeavesThemOut()
    {
        var json = JsonSerializer.Serialize(new LogBatchRequest { RunId = "r", Metrics = [], Tags = null }, MlflowJson.Options);

        Assert.Equal("""{"run_id":"r"}""", json);
    }

    [Fact]
    public void Serialize_NaNAndInfinity_AsMlflowStrings()
    {
        var json = JsonSerializer.Serialize(new MetricDto { Key = "m", Value = double.NaN }, MlflowJson.Options)
            + JsonSerializer.Serialize(new MetricDto { Key = "m", Value = double.NegativeInfinity }, MlflowJson.Options);

        Assert.Contains("\"value\":\"NaN\"", json, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"-Infinity\"", json, StringComparison.Ordinal);
    }
}
