using System.Net;
using System.Text.Json.Nodes;

namespace Keel.Serving.Tests.Http;

public sealed class OipRestTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    private ServingHost Host => fixture.Host;

    private string Model => $"/v2/models/{fixture.ModelName}";

    // Shaped like the protocol's documented example: one tensor per input, shape [batch], flat row-major data.
    private const string InferBody = """
        {
          "id": "42",
          "inputs": [
            {"name": "Age", "shape": [2], "datatype": "FP32", "data": [5.0, 1.0]},
            {"name": "Dose", "shape": [2, 1], "datatype": "FP32", "data": [[2.0], [1.0]]},
            {"name": "Marker", "shape": [2], "datatype": "FP32", "data": [0.5, 1]}
          ]
        }
        """;

    [Fact]
    public async Task ServerMetadata_NamesKeelAndItsVersion()
    {
        var json = await OkJsonAsync(await Host.GetAsync("/v2"));

        Assert.Equal("keel", json["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(json["version"]!.GetValue<string>()));
        Assert.NotNull(json["extensions"]!.AsArray());
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task Health_VersionLoaded_Answers200(string path)
    {
        var response = await Host.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/versions/1")]
    public async Task ModelMetadata_DescribesInputsAndOutputsAsTensors(string version)
    {
        var json = await OkJsonAsync(await Host.GetAsync(Model + version));

        Assert.Equal(fixture.ModelName, json["name"]!.GetValue<string>());
        Assert.Equal(["1"], json["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("mlnet", json["platform"]!.GetValue<string>());
        Assert.Equal(["Age", "Dose", "Marker"], json["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.All(json["inputs"]!.AsArray(), i =>
        {
            Assert.Equal("FP32", i!["datatype"]!.GetValue<string>());
            Assert.Equal("[-1]", i["shape"]!.ToJsonString());
        });
        Assert.Contains(json["outputs"]!.AsArray(), o => o!["name"]!.GetValue<string>() == "Probability" && o["datatype"]!.GetValue<string>() == "FP32");
    }

    [Theory]
    [InlineData("/ready")]
    [InlineData("/versions/1/ready")]
    public async Task ModelReady_ServedVersion_Answers200(string path)
    {
        var response = await Host.GetAsync(Model + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/infer")]
    [InlineData("/versions/1/infer")]
    public async Task Infer_DocumentedRequest_AnswersEveryOutputAsATensorAndEchoesTheId(string path)
    {
        var response = await Host.PostJsonAsync(Model + path, InferBody);

        var json = await OkJsonAsync(response);
        Assert.Equal(fixture.ModelName, json["model_name"]!.GetValue<string>());
        Assert.Equal("1", json["model_version"]!.GetValue<string>());
        Assert.Equal("42", json["id"]!.GetValue<string>());
        var outputs = json["outputs"]!.AsArray();
        Assert.Equal(["PredictedLabel", "Score", "Probability"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        var probability = outputs.Single(o => o!["name"]!.GetValue<string>() == "Probability")!;
        Assert.Equal("FP32", probability["datatype"]!.GetValue<string>());
        Assert.Equal("[2]", probability["shape"]!.ToJsonString());
        Assert.Equal(2, probability["data"]!.AsArray().Count);
        Assert.Equal("BOOL", outputs[0]!["datatype"]!.GetValue<string>());
        Assert.Equal(fixture.ModelName, response.Header("X-Keel-Model"));
        Assert.Equal("1", response.Header("X-Keel-Model-Version"));
    }

    [Fact]
    public async Task Infer_SameRowsAsMlflow_SameProbabilities()
    {
        var mlflow = await OkJsonAsync(await Host.PostJsonAsync("/invocations", """{"inputs": {"Age": [5.0, 1], "Dose": [2.0, 1], "Marker": [0.5, 1]}}"""));

        var oip = await OkJsonAsync(await Host.PostJsonAsync(Model + "/infer", InferBody));

        var expected = mlflow["predictions"]!.AsArray().Select(p => p!["Probability"]!.GetValue<double>());
        var actual = oip["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "Probability")!["data"]!.AsArray().Select(v => v!.GetValue<double>());
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Infer_RequestedOutputs_AnswersOnlyThoseInTheirOrder()
    {
        var body = JsonNode.Parse(InferBody)!.AsObject();
        body.Remove("id");
        body["outputs"] = new JsonArray(new JsonObject { ["name"] = "Probability" }, new JsonObject { ["name"] = "PredictedLabel" });

        var json = await OkJsonAsync(await Host.PostJsonAsync(Model + "/infer", body.ToJsonString()));

        Assert.Equal(["Probability", "PredictedLabel"], json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.Null(json["id"]);
    }

    [Theory]
    [InlineData("/v2/models/other-model")]
    [InlineData("/v2/models/other-model/ready")]
    [InlineData("/v2/models/{model}/versions/2")]
    [InlineData("/v2/models/{model}/versions/2/ready")]
    [InlineData("/v2/models/{model}/versions/latest")]
    public async Task ModelPaths_UnknownModelOrVersion_Answer404WithOipError(string path)
    {
        var response = await Host.GetAsync(path.Replace("{model}", fixture.ModelName, StringComparison.Ordinal));

        var error = await OipErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(path.Contains("other-model", StringComparison.Ordinal) ? "'other-model'" : "Version", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/models/other-model/infer", "'other-model'")]
    [InlineData("/v2/models/{model}/versions/7/infer", "'7'")]
    public async Task Infer_UnknownModelOrVersion_Answers404WithOipError(string path, string named)
    {
        var response = await Host.PostJsonAsync(path.Replace("{model}", fixture.ModelName, StringComparison.Ordinal), InferBody);

        var error = await OipErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing input", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "'Marker'")]
    [InlineData("unknown input", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Height", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "'Height'")]
    [InlineData("duplicate input", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "'Age'")]
    [InlineData("wrong datatype", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "BYTES", "data": ["old"]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Age")]
    [InlineData("narrowing datatype", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP64", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "'Age'")]
    [InlineData("unknown datatype", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FLOAT", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Age")]
    [InlineData("data not matching shape", """{"inputs": [{"name": "Age", "shape": [2], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Age")]
    [InlineData("row shape for a scalar", """{"inputs": [{"name": "Age", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Age")]
    [InlineData("uneven batch sizes", """{"inputs": [{"name": "Age", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "")]
    [InlineData("string in FP32 data", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": ["x"]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Age")]
    [InlineData("empty batch", """{"inputs": [{"name": "Age", "shape": [0], "datatype": "FP32", "data": []}, {"name": "Dose", "shape": [0], "datatype": "FP32", "data": []}, {"name": "Marker", "shape": [0], "datatype": "FP32", "data": []}]}""", "no rows")]
    [InlineData("no inputs", """{"id": "1"}""", "inputs")]
    [InlineData("unknown requested output", """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}], "outputs": [{"name": "Label"}]}""", "'Label'")]
    [InlineData("id not a string", """{"id": 7, "inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "'id'")]
    [InlineData("malformed JSON", """{"inputs": [{"name": "Age", """, "JSON")]
    [InlineData("empty body", "", "")]
    public async Task Infer_BadInput_Answers400WithOipErrorNamingTheProblem(string problem, string body, string named)
    {
        var response = await Host.PostJsonAsync(Model + "/infer", body);

        var error = await OipErrorAsync(response, HttpStatusCode.BadRequest, problem);
        Assert.True(error.Contains(named, StringComparison.Ordinal), $"{problem}: '{error}' does not name {named}");
        Assert.Equal("1", response.Header("X-Keel-Model-Version"));
    }

    [Fact]
    public async Task Infer_BodyOverTheLimit_Answers413WithOipError()
    {
        await using var small = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null, MaxRequestBytes = 128 }, fixture.Model);

        var response = await small.PostJsonAsync(Model + "/infer", InferBody);

        Assert.Contains("128 bytes", await OipErrorAsync(response, HttpStatusCode.RequestEntityTooLarge), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownV2Path_Answers404WithOipError()
    {
        await OipErrorAsync(await Host.GetAsync("/v2/repository/index"), HttpStatusCode.NotFound);
    }

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.JsonAsync();
    }

    private static async Task<string> OipErrorAsync(HttpResponseMessage response, HttpStatusCode status, string problem = "")
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"{problem}: expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.JsonAsync();
        Assert.Single(json.AsObject());
        var error = json["error"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error;
    }
}
