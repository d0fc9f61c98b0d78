using System.Diagnostics;

namespace Keel.Models.Tests.Onnx;

/// <summary>
/// Validates ONNX files with <c>onnx.checker</c> from Debian's python3-onnx, a checker written independently of
/// Keel and ONNX Runtime. Fails, never skips, when it is missing: ./test.sh installs it.
/// </summary>
internal static class OnnxChecker
{
    private const string Script = """
        import sys
        try:
            import onnx
        except ImportError:
            sys.exit(3)
        for path in sys.argv[1:]:
            onnx.checker.check_model(onnx.load(path), full_check=True)
        """;

    public static void AssertValid(params string[] paths)
    {
        var python = Python();
        var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{python} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"'{python}' cannot run ({ex.Message}); run ./test.sh, which installs Debian's python3-onnx, or set KEEL_PYTHON.");
            return;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 3)
            {
                Assert.Fail($"'{python}' has no onnx module; run ./test.sh, which installs Debian's python3-onnx, or set KEEL_PYTHON.");
            }

            Assert.True(process.ExitCode == 0, $"onnx.checker rejected {string.Join(", ", paths)}:\n{stdout}{stderr.Result}");
        }
    }

    // Debian's interpreter first: a pyenv or virtualenv python3 earlier on PATH does not see apt's python3-onnx.
    private static string Python() =>
        Environment.GetEnvironmentVariable("KEEL_PYTHON") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3"
        : "python3";
}
