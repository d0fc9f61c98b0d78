namespace Keel.Core.Data.Chunking;

/// <summary>
/// The 256 random 64-bit values the gear rolling hash adds per byte. Chunk boundaries, and so the address of every
/// stored chunk, depend on them: the seed and generator must never change (a test pins a few entries).
/// </summary>
internal static class GearTable
{
    /// <summary>"KEELCDC1" in ASCII.</summary>
    public const ulong Seed = 0x4B45454C_43444331;

    public static readonly ulong[] Values = Create();

    // SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed generator whose output is fixed by its seed.
    private static ulong[] Create()
    {
        var values = new ulong[256];
        var state = Seed;
        for (var i = 0; i < values.Length; i++)
        {
            state += 0x9E3779B97F4A7C15;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            values[i] = z ^ (z >> 31);
        }
        return values;
    }
}
