namespace Keel.Client.Tests.Support;

internal static class Names
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
