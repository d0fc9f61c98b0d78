namespace Keel.Cli.Quickstart.Retraining;

/// <summary>
/// How a pipeline stage calls this very <c>keel</c>: the apphost that is running (or the one beside this assembly), else
/// <c>dotnet keel.dll</c>. Quoted for <c>/bin/sh</c>, since the stage's <c>cmd</c> runs through it.
/// </summary>
internal static class KeelExecutable
{
    public static string ShellCommand()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "keel")
        {
            return Quote(process);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "keel");
        if (File.Exists(beside))
        {
            return Quote(beside);
        }

        return $"dotnet {Quote(Path.Combine(AppContext.BaseDirectory, "keel.dll"))}";
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
