using System.Net;
using Keel.Core.Models.Packages;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Tests.Http;

/// <summary>
/// MLflow's <c>params</c> on <c>/invocations</c>, over real packages served by a real host: checked against the
/// signature's params schema when it has one, ignored with one warning per version when it has none.
/// </summary>
public sealed class MlflowParamsTests : IDisposable
{
    private const string ParamsSchema = """
        [{"name": "temperature", "type": "double", "default": 0.5, "shape": null},
         {"name": "top_k", "type": "long", "default": 3, "shape": null},
         {"name": "stop", "type": "string", "default": ["."], "shape": [-1]}]
        """;

    // The input field alone, so each test appends its own params.
    private const string Split = "\"dataframe_split\": {\"columns\": [\"Age\", \"Dose\", \"Marker\"], \"data\": [[5.0, 2.0, 0.5], [1, 1, 1]]}";
    private const string Records = "\"dataframe_records\": [{\"Age\": 5.0, \"Dose\": 2.0, \"Marker\": 0.5}, {\"Age\": 1, \"Dose\": 1, \"Marker\": 1}]";

    private readonly TempDirectory _packages = new("keel-params");
    private readonly RecordingLogger _log = new();

    public MlflowParamsTests()
    {
        ServingModels.WritePackage(Path.Combine(_packages.Path, "plain1"), version: 1);
        ServingModels.WritePackage(Path.Combine(_packages.Path, "plain2"), version: 2);
        var withParams = Path.Combine(_packages.Path, "params");
        ServingModels.WritePackage(withParams, version: 1);
        var mlmodel = Path.Combine(withParams, "MLmodel");
        var model = MlModel.Parse(File.ReadAllText(mlmodel));
        File.WriteAllText(mlmodel, (model with { Signature = model.Signature! with { Params = ModelSignature.ParseParams(ParamsSchema) } }).ToYaml());
    }

    public void Dispose() => _packages.Dispose();

    [Theory]
    [InlineData(Split, "")]
    [InlineData(Split, """, "params": {}""")]
    [InlineData(Split, """, "params": {"temperature": 0.9, "top_k": 10, "stop": ["!", "?"]}""")]
    [InlineData(Records, """, "params": {"temperature": 1}""")]
    public async Task Invocations_ValidOrMissingParams_AnswersAsWithout(string input, string parameters)
    {
        await using var served = await ServeAsync(("1", "params"));
        var expected = await (await served.Host.PostJsonAsync("/invocations", "{" + Split + "}")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        using var response = await served.Host.PostJsonAsync("/invocations", "{" + input + parameters + "}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Invocations_UnknownParam_Answers400NamingItAndTheKnownOnes()
    {
        await using var served = await ServeAsync(("1", "params"));

        var message = await ErrorAsync(served, "{" + Split + """, "params": {"temprature": 0.1}}""");

        Assert.Contains("'temprature'", message, StringComparison.Ordinal);
        Assert.Contains("'temperature', 'top_k', 'stop'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"temperature": "hot"}""", "'temperature'", "double")]
    [InlineData("""{"top_k": 2.5}""", "'top_k'", "long")]
    [InlineData("""{"stop": "."}""", "'stop'", "a list of string")]
    [InlineData("""{"temperature": [0.1]}""", "'temperature'", "double")]
    public async Task Invocations_WrongTypeOrShape_Answers400NamingTheParamAndItsType(string parameters, string param, string type)
    {
        await using var served = await ServeAsync(("1", "params"));

        // Both readers: the fast path for dataframe_split and the general one for records.
        foreach (var input in new[] { Split, Records })
        {
            var message = await ErrorAsync(served, "{" + input + ", \"params\": " + parameters + "}");

            Assert.Contains(param, message, StringComparison.Ordinal);
            Assert.Contains($"expected {type}", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invocations_NoParamsSchema_IgnoresParamsAndWarnsOncePerVersion()
    {
        await using var served = await ServeAsync(("1", "plain1"), ("2", "plain2"));
        var ct = TestContext.Current.CancellationToken;
        var body = "{" + Split + """, "params": {"temperature": 0.1, "anything": "goes"}}""";
        var expected = await (await served.Host.PostJsonAsync("/invocations", "{" + Split + "}")).Content.ReadAsStringAsync(ct);

        for (var i = 0; i < 3; i++)
        {
            using var response = await served.Host.PostJsonAsync("/invocations", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync(ct));
        }
        var first = Assert.Single(ParamsWarnings());
        Assert.Contains("Version 1 ", first, StringComparison.Ordinal);
        Assert.Contains("temperature, anything", first, StringComparison.Ordinal);

        served.Source.MoveTo("2");
        Assert.True(await served.Model.ReloadAsync(ct));
        for (var i = 0; i < 2; i++)
        {
            using var response = await served.Host.PostJsonAsync("/invocations", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, ParamsWarnings().Count);
        Assert.Contains("Version 2 ", ParamsWarnings()[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_NoParamsSchemaEmptyParams_NoWarning()
    {
        await using var served = await ServeAsync(("1", "plain1"));

        using var response = await served.Host.PostJsonAsync("/invocations", "{" + Split + """, "params": {}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(ParamsWarnings());
    }

    private List<string> ParamsWarnings() =>
        [.. _log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("params", StringComparison.Ordinal)).Select(e => e.Message)];

    private static async Task<string> ErrorAsync(Served served, string body)
    {
        using var response = await served.Host.PostJsonAsync("/invocations", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        return json["message"]!.GetValue<string>();
    }

    private async Task<Served> ServeAsync(params (string Version, string Directory)[] versions)
    {
        var source = new LocalModelSource("churn");
        foreach (var (version, directory) in versions)
        {
            source.Add(version, Path.Combine(_packages.Path, directory));
        }

        var options = new ServingOptions { ModelUri = "models:/churn/1", Host = "127.0.0.1", Port = 0, ReloadInterval = Timeout.InfiniteTimeSpan };
        var model = await ModelHost.StartAsync(source, options, TimeProvider.System, ct: TestContext.Current.CancellationToken);
        var host = await ServingHost.StartAsync(options, model, configureServices: services =>
            services.AddSingleton<ILoggerProvider>(new RecordingLoggerProvider(_log)));
        return new Served(source, model, host);
    }

    private sealed record Served(LocalModelSource Source, ModelHost Model, ServingHost Host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Model.DisposeAsync();
        }
    }

    private sealed class RecordingLoggerProvider(RecordingLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
