using System.Security.Cryptography;

namespace Keel.Core.Data;

/// <summary>
/// The address of every data object (chunk or manifest): SHA-256 of its bytes as 64 lowercase hex digits.
/// Anything else is refused before it reaches a path or a query, so a hash can never name a file outside a store.
/// </summary>
public static class ContentHash
{
    public const int Length = 64;

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static bool IsValid(string? hash)
    {
        if (hash is not { Length: Length })
        {
            return false;
        }
        foreach (var c in hash)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Throws INVALID_PARAMETER_VALUE naming <paramref name="field"/> unless <paramref name="hash"/> is valid.</summary>
    public static string Require(string? hash, string field) =>
        IsValid(hash) ? hash! : throw Common.KeelException.InvalidParameter(
            $"Invalid value '{hash}' for parameter '{field}': expected a SHA-256 hash of 64 lowercase hex digits.");
}
