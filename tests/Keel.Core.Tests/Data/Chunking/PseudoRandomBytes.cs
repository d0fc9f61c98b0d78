namespace Keel.Core.Tests.Data.Chunking;

/// <summary>Reproducible test bytes from xorshift64*, independent of System.Random's implementation.</summary>
internal static class PseudoRandomBytes
{
    public static byte[] Create(int length, ulong seed)
    {
        var bytes = new byte[length];
        var state = seed | 1;
        for (var i = 0; i < length; i++)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            bytes[i] = (byte)((state * 0x2545F4914F6CDD1D) >> 56);
        }
        return bytes;
    }
}
