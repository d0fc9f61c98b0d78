using System.Text;

namespace Keel.Data.Add;

/// <summary>Lists tracked data in the <c>.gitignore</c> beside it, so git keeps the pointer and never the data.</summary>
internal static class GitIgnoreEntries
{
    public const string FileName = ".gitignore";

    /// <summary>Adds <c>/&lt;name&gt;</c> to <paramref name="folder"/>'s <c>.gitignore</c> (creating it) unless already there.</summary>
    public static void Ensure(string folder, string name)
    {
        var path = Path.Combine(folder, FileName);
        var entry = "/" + Escape(name);
        var existing = File.Exists(path) ? File.ReadAllText(path) : "";
        if (existing.Split('\n').Any(line => string.Equals(line.TrimEnd('\r'), entry, StringComparison.Ordinal)))
        {
            return;
        }
        var separator = existing.Length == 0 || existing.EndsWith('\n') ? "" : "\n";
        File.AppendAllText(path, separator + entry + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    // The leading '/' anchors the pattern to this folder and already defuses '#' and '!'; glob characters and trailing
    // spaces must be backslash-escaped to match a name literally.
    internal static string Escape(string name)
    {
        var core = name.TrimEnd(' ');
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in core)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                text.Append('\\');
            }
            text.Append(c);
        }
        return text.Append(string.Concat(Enumerable.Repeat("\\ ", name.Length - core.Length))).ToString();
    }
}
