namespace Keel.Client.Tests.Http;

// The only tests that touch these variables; they run one after another inside this class.
public sealed class TrackingUriFromEnvironmentTests : IDisposable
{
    private readonly string? _keel = Environment.GetEnvironmentVariable(KeelClient.TrackingUriVariable);
    private readonly string? _mlflow = Environment.GetEnvironmentVariable(KeelClient.MlflowTrackingUriVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(KeelClient.TrackingUriVariable, _keel);
        Environment.SetEnvironmentVariable(KeelClient.MlflowTrackingUriVariable, _mlflow);
    }

    private static void Set(string? keel, string? mlflow)
    {
        Environment.SetEnvironmentVariable(KeelClient.TrackingUriVariable, keel);
        Environment.SetEnvironmentVariable(KeelClient.MlflowTrackingUriVariable, mlflow);
    }

    [Fact]
    public void TrackingUriFromEnvironment_BothSet_KeelWins()
    {
        Set("http://keel:5000", "http://mlflow:5000");

        Assert.Equal(new Uri("http://keel:5000"), KeelClient.TrackingUriFromEnvironment());
    }

    [Fact]
    public void TrackingUriFromEnvironment_OnlyMlflowSet_UsesIt()
    {
        Set(null, "https://mlflow.example.com/");

        Assert.Equal(new Uri("https://mlflow.example.com/"), KeelClient.TrackingUriFromEnvironment());
    }

    [Fact]
    public void TrackingUriFromEnvironment_NeitherSet_ReturnsNull()
    {
        Set(null, null);

        Assert.Null(KeelClient.TrackingUriFromEnvironment());
    }

    [Fact]
    public void TrackingUriFromEnvironment_NotAnHttpUri_ThrowsFormatExceptionNamingTheVariable()
    {
        Set("./mlruns", null);

        var e = Assert.Throws<FormatException>(KeelClient.TrackingUriFromEnvironment);

        Assert.Contains(KeelClient.TrackingUriVariable, e.Message, StringComparison.Ordinal);
    }
}
