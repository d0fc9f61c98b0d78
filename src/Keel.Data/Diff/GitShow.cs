using System.ComponentModel;
using System.Diagnostics;
using Keel.Core.Common;

namespace Keel.Data.Diff;

/// <summary>
/// Reads a file as it was in a git revision (<c>git show rev:path</c>). Git runs as a process with an argument list,
/// never through a shell, so nothing in the revision or path is interpreted twice.
/// </summary>
internal sealed class GitShow(string executable = "git")
{
    public async Task<string> ReadAsync(string revision, string path, string workingDirectory, CancellationToken ct)
    {
        // A revision that starts with '-' would reach git as an option (e.g. --output=FILE).
        if (revision.StartsWith('-'))
        {
            throw KeelException.InvalidParameter($"Invalid git revision '{revision}': a revision cannot start with '-'.");
        }
        var spec = $"{revision}:{path}";
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("show");
        start.ArgumentList.Add("--no-textconv");
        start.ArgumentList.Add(spec);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception e)
        {
            throw KeelException.NotFound($"Cannot read {spec}: git could not be started ({e.Message}); install git or name the pointer file or manifest hash instead.");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
            if (process.ExitCode != 0)
            {
                var reason = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
                throw KeelException.NotFound($"Cannot read {spec} from git: {reason}");
            }
            return await output;
        }
    }
}
