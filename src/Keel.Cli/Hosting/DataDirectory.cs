using System.CommandLine;

namespace Keel.Cli.Hosting;

/// <summary><c>--data-dir</c>: where a local server keeps its database and artifacts.</summary>
internal static class DataDirectory
{
    public const string DefaultName = ".keel";

    public static Option<string?> CreateOption() => new("--data-dir")
    {
        Description = $"Folder for the database and artifacts [default: $KEEL_DATA_DIR, else ./{DefaultName}]",
    };

    /// <summary>The flag, else <c>KEEL_DATA_DIR</c>, else <c>./.keel</c>, as a full path.</summary>
    public static string Resolve(string? flag, CliHost host) =>
        Path.GetFullPath(flag ?? host.Variable("KEEL_DATA_DIR") ?? DefaultName, host.WorkingDirectory);

    /// <summary>True when a plain <c>keel server</c> started here, with this environment, would use this data directory.</summary>
    public static bool IsDefault(string dataDirectory, CliHost host) =>
        string.Equals(dataDirectory, Resolve(null, host), StringComparison.Ordinal);
}
