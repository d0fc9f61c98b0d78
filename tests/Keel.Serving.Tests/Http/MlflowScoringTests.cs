using System.Net;
using System.Text.Json.Nodes;

namespace Keel.Serving.Tests.Http;

public sealed class MlflowScoringTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    private const string Split = """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[5.0, 2.0, 0.5], [1, 1, 1]]}}""";

    private ServingHost Host => fixture.Host;

    [Theory]
    [InlineData("""{"dataframe_split": {"index": [7, 8], "columns": ["Marker", "Age", "Dose"], "data": [[0.5, 5.0, 2.0], [1, 1, 1]]}}""")]
    [InlineData("""{"dataframe_records": [{"Age": 5.0, "Dose": 2.0, "Marker": 0.5}, {"Age": 1, "Dose": 1, "Marker": 1}]}""")]
    [InlineData("""{"instances": [{"Age": 5.0, "Dose": 2.0, "Marker": 0.5}, {"Age": 1, "Dose": 1, "Marker": 1}]}""")]
    [InlineData("""{"inputs": {"Age": [5.0, 1], "Dose": [2.0, 1], "Marker": [0.5, 1]}}""")]
    [InlineData("""{"dataframe_records": [{"Age": 5.0, "Dose": 2.0, "Marker": 0.5, "Unused": "x"}, {"Age": 1, "Dose": 1, "Marker": 1, "Unused": "y"}]}""")]
    public async Task Invocations_EachJsonFormat_PredictsLikeDataFrameSplit(string body)
    {
        var expected = await PredictionsAsync(await Host.PostJsonAsync("/invocations", Split));

        var response = await Host.PostJsonAsync("/invocations", body);

        Assert.Equal(expected.ToJsonString(), (await PredictionsAsync(response)).ToJsonString());
    }

    [Fact]
    public async Task Invocations_DataFrameSplit_AnswersOnePredictionPerRowWithEveryOutput()
    {
        var response = await Host.PostJsonAsync("/invocations", Split);

        var predictions = (await PredictionsAsync(response)).AsArray();
        Assert.Equal(2, predictions.Count);
        Assert.All(predictions, p =>
        {
            Assert.IsType<bool>(p!["PredictedLabel"]!.GetValue<bool>());
            Assert.InRange(p["Probability"]!.GetValue<double>(), 0, 1);
        });
        Assert.True(predictions[0]!["Probability"]!.GetValue<double>() > predictions[1]!["Probability"]!.GetValue<double>());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("text/csv")]
    [InlineData("text/csv; charset=utf-8")]
    public async Task Invocations_Csv_PredictsLikeJson(string contentType)
    {
        var expected = await PredictionsAsync(await Host.PostJsonAsync("/invocations", Split));

        var response = await Host.PostAsync("/invocations", "Age,Dose,Marker\n5.0,2.0,0.5\n1,1,1\n", contentType);

        Assert.Equal(expected.ToJsonString(), (await PredictionsAsync(response)).ToJsonString());
    }

    [Fact]
    public async Task Invocations_JsonWithCharsetAndParams_IsScored()
    {
        var body = """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[5.0, 2.0, 0.5]]}, "params": {"threshold": 0.5}}""";

        var response = await Host.PostAsync("/invocations", body, "application/json; charset=utf-8");

        Assert.Single((await PredictionsAsync(response)).AsArray());
    }

    [Fact]
    public async Task Invocations_EveryAnswer_NamesTheModelVersionThatAnswered()
    {
        var scored = await Host.PostJsonAsync("/invocations", Split);
        var refused = await Host.PostJsonAsync("/invocations", """{"dataframe_split": {"columns": ["Age"], "data": [[1]]}}""");

        foreach (var response in new[] { scored, refused })
        {
            Assert.Equal(fixture.ModelName, response.Header("X-Keel-Model"));
            Assert.Equal("1", response.Header("X-Keel-Model-Version"));
        }
    }

    [Fact]
    public async Task Ping_VersionLoaded_Answers200()
    {
        var response = await Host.GetAsync("/ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_VersionLoaded_NamesModelVersionAndFlavor()
    {
        var response = await Host.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("ok", json["status"]!.GetValue<string>());
        Assert.Equal(fixture.ModelName, json["model"]!.GetValue<string>());
        Assert.Equal("1", json["version"]!.GetValue<string>());
        Assert.Equal("mlnet", json["flavor"]!.GetValue<string>());
        Assert.Equal(fixture.ModelUri, json["model_uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version_AnswersKeelsVersionAsText()
    {
        var response = await Host.GetAsync("/version");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Matches(@"^\d+\.\d+\.\d+", text);
    }

    private static async Task<JsonNode> PredictionsAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var json = await response.JsonAsync();
        return json["predictions"] ?? throw new InvalidOperationException($"No predictions in {json.ToJsonString()}");
    }
}
