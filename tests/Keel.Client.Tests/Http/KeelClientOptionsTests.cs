using Keel.Client.Tests.Support;

namespace Keel.Client.Tests.Http;

public sealed class KeelClientOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Constructor_TrackingUriWithoutTrailingSlash_ExposesItWithOne()
    {
        using var client = new KeelClient(new Uri("http://127.0.0.1:5000"));

        Assert.Equal(new Uri("http://127.0.0.1:5000/"), client.TrackingUri);
    }

    [Theory]
    [InlineData("file:///tmp/mlruns")]
    [InlineData("databricks://profile")]
    public void Constructor_NonHttpTrackingUri_ThrowsArgumentException(string uri)
    {
        Assert.Throws<ArgumentException>(() => new KeelClient(new Uri(uri)));
    }

    [Fact]
    public void Constructor_MaxBatchSizeAboveMlflowLimit_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new KeelClient(new KeelClientOptions { TrackingUri = new Uri("http://127.0.0.1/"), MaxBatchSize = 1001 }));
    }

    [Fact]
    public void Constructor_NegativeMaxRetries_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new KeelClient(new KeelClientOptions { TrackingUri = new Uri("http://127.0.0.1/"), MaxRetries = -1 }));
    }

    [Fact]
    public void Constructor_ZeroFlushInterval_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new KeelClient(new KeelClientOptions { TrackingUri = new Uri("http://127.0.0.1/"), FlushInterval = TimeSpan.Zero }));
    }

    [Fact]
    public async Task GetExperimentAsync_TrackingUriWithPathPrefix_KeepsThePrefix()
    {
        await using var stub = await StubServer.StartAsync(pathBase: "/keel");
        stub.Enqueue(StubResponse.Json(200, """{"experiment":{"experiment_id":"1","name":"e","lifecycle_stage":"active"}}"""));
        using var client = new KeelClient(new Uri(stub.BaseAddress.ToString().TrimEnd('/')));

        await client.GetExperimentAsync("1", Ct);

        Assert.Equal("/keel/api/2.0/mlflow/experiments/get?experiment_id=1", Assert.Single(stub.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Dispose_CallerOwnedHttpClient_LeavesItUsable()
    {
        await using var stub = await StubServer.StartAsync();
        using var http = new HttpClient();
        var client = new KeelClient(http, new KeelClientOptions { TrackingUri = stub.BaseAddress });

        client.Dispose();
        using var response = await http.GetAsync(stub.BaseAddress, Ct);

        Assert.True(response.IsSuccessStatusCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetExperimentAsync("1", Ct));
    }

    [Fact]
    public async Task SearchExperimentsAsync_QueryCharactersInValues_AreEscapedOnTheWire()
    {
        await using var stub = await StubServer.StartAsync();
        stub.Enqueue(StubResponse.Error(404, "RESOURCE_DOES_NOT_EXIST", "none"));
        using var client = new KeelClient(stub.BaseAddress);

        Assert.Null(await client.GetExperimentByNameAsync("a&b=c d/é", Ct));

        Assert.Equal("/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%26b%3Dc%20d%2F%C3%A9", Assert.Single(stub.Requests).PathAndQuery);
    }
}
