using System.Globalization;
using System.Security.Cryptography;

namespace Keel.Serving.Monitoring;

// Request ids for requests that bring none: a random 64-bit prefix per process and a counter, 32 hex digits. Unique
// across replicas without asking the OS for randomness on every request (as Guid.NewGuid does).
internal static class RequestIds
{
    private static readonly ulong Prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter;

    public static string Next()
    {
        var counter = (ulong)Interlocked.Increment(ref _counter);
        return string.Create(32, counter, static (span, value) =>
        {
            Prefix.TryFormat(span, out _, "x16", CultureInfo.InvariantCulture);
            value.TryFormat(span[16..], out _, "x16", CultureInfo.InvariantCulture);
        });
    }
}
