using System.Net;

namespace Keel.Serving.Tests.Http;

public sealed class MlflowScoringErrorTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    [Theory]
    [InlineData("missing column", """{"dataframe_split": {"columns": ["Age", "Dose"], "data": [[1, 2]]}}""", "'Marker'")]
    [InlineData("only unknown columns", """{"dataframe_records": [{"Height": 1, "Weight": 2}]}""", "'Age', 'Dose', 'Marker'")]
    [InlineData("record without a column", """{"dataframe_records": [{"Age": 1, "Dose": 2, "Marker": 3}, {"Age": 1, "Dose": 2}]}""", "Marker")]
    [InlineData("string for a float", """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [["old", 2, 3]]}}""", "Age")]
    [InlineData("object for a float", """{"inputs": {"Age": [{"x": 1}], "Dose": [2], "Marker": [3]}}""", "Age")]
    [InlineData("nested row for a scalar", """{"inputs": {"Age": [[1, 2]], "Dose": [2], "Marker": [3]}}""", "Age")]
    [InlineData("uneven columns", """{"inputs": {"Age": [1, 2], "Dose": [2], "Marker": [3]}}""", "")]
    [InlineData("ragged split rows", """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[1, 2, 3], [1, 2]]}}""", "")]
    [InlineData("empty split", """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": []}}""", "no rows")]
    [InlineData("empty records", """{"dataframe_records": []}""", "")]
    [InlineData("malformed JSON", """{"dataframe_split": {"columns": ["Age", """, "JSON")]
    [InlineData("not an object", """[1, 2, 3]""", "")]
    [InlineData("no input field", """{"rows": [[1, 2, 3]]}""", "'rows'")]
    [InlineData("two input fields", """{"inputs": {"Age": [1], "Dose": [2], "Marker": [3]}, "instances": [[1, 2, 3]]}""", "exactly one")]
    [InlineData("params not an object", """{"inputs": {"Age": [1], "Dose": [2], "Marker": [3]}, "params": [1]}""", "params")]
    [InlineData("empty body", "", "")]
    public async Task Invocations_BadJson_Answers400NamingTheProblem(string problem, string body, string named)
    {
        var response = await fixture.Host.PostJsonAsync("/invocations", body);

        await AssertMlflowErrorAsync(response, HttpStatusCode.BadRequest, named, problem);
    }

    [Theory]
    [InlineData("missing column", "Age,Dose\n1,2\n", "'Marker'")]
    [InlineData("text for a float", "Age,Dose,Marker\nold,2,3\n", "Age")]
    [InlineData("header only", "Age,Dose,Marker\n", "")]
    [InlineData("short row", "Age,Dose,Marker\n1,2\n", "")]
    public async Task Invocations_BadCsv_Answers400NamingTheProblem(string problem, string body, string named)
    {
        var response = await fixture.Host.PostAsync("/invocations", body, "text/csv");

        await AssertMlflowErrorAsync(response, HttpStatusCode.BadRequest, named, problem);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task Invocations_OtherContentType_Answers415NamingTheAcceptedOnes(string? contentType)
    {
        var response = await fixture.Host.PostAsync("/invocations", """{"inputs": {"Age": [1], "Dose": [2], "Marker": [3]}}""", contentType);

        var json = await AssertMlflowErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json", contentType ?? "none");
        Assert.Contains("text/csv", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_BodyOverTheLimit_Answers413WithMlflowErrorJson()
    {
        await using var small = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null, MaxRequestBytes = 256 }, fixture.Model);
        var rows = string.Join(", ", Enumerable.Repeat("[1.5, 2.5, 0.5]", 100));
        var body = "{\"dataframe_split\": {\"columns\": [\"Age\", \"Dose\", \"Marker\"], \"data\": [" + rows + "]}}";

        var response = await small.PostJsonAsync("/invocations", body);
        var chunked = await small.Client.PostAsync("/invocations", new ChunkedJson(body),
            TestContext.Current.CancellationToken);
        var fits = await small.PostJsonAsync("/invocations", """{"inputs": {"Age": [1], "Dose": [2], "Marker": [3]}}""");

        await AssertMlflowErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "256 bytes", "declared length");
        await AssertMlflowErrorAsync(chunked, HttpStatusCode.RequestEntityTooLarge, "256 bytes", "chunked");
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Answers404WithMlflowErrorJson()
    {
        var response = await fixture.Host.GetAsync("/predict");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ENDPOINT_NOT_FOUND", (await response.JsonAsync())["error_code"]!.GetValue<string>());
    }

    private static async Task<string> AssertMlflowErrorAsync(HttpResponseMessage response, HttpStatusCode status, string named, string problem)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"{problem}: expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.JsonAsync();
        Assert.Contains(json["error_code"]!.GetValue<string>(), new[] { "BAD_REQUEST", "INVALID_PARAMETER_VALUE" });
        var message = json["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message), problem);
        Assert.True(message.Contains(named, StringComparison.Ordinal), $"{problem}: '{message}' does not name {named}");
        return message;
    }

    /// <summary>A body without Content-Length, so only Kestrel's running count can stop it.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _json;

        public ChunkedJson(string json)
        {
            _json = System.Text.Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(_json).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
