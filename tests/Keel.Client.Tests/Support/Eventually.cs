namespace Keel.Client.Tests.Support;

/// <summary>Waits for a condition that background work makes true, failing (not hanging) after a bound.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int timeoutSeconds = 20)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
