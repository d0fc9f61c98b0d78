using System.Security.Cryptography;
using System.Text;

namespace Keel.Core.Pipelines;

/// <summary>The run cache key of a stage's inputs (see <see cref="StageLock.InputKey"/>).</summary>
public static class StageInputKey
{
    public static string Compute(string cmd, IReadOnlyDictionary<string, string> deps, IReadOnlyDictionary<string, string> parameters)
    {
        var text = new StringBuilder();
        text.Append("cmd\0").Append(cmd).Append('\0');
        foreach (var (path, hash) in deps.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append("dep\0").Append(path).Append('\0').Append(hash).Append('\0');
        }
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("param\0").Append(key).Append('\0').Append(value).Append('\0');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
