using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;
using Keel.Testing;

namespace Keel.Pipelines.Tests.Execution;

/// <summary>A pipeline in a temp folder: keel.yaml, params.yaml and input files, run by the real executor with real processes.</summary>
internal sealed class PipelineFolder : IDisposable
{
    private readonly TempDirectory _dir = new("keel-pipeline");

    public string Root => _dir.Path;

    public void Dispose() => _dir.Dispose();

    public PipelineFolder Write(string path, string text)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public string Read(string path) => File.ReadAllText(Path.Combine(Root, path));

    public bool Exists(string path) => Path.Exists(Path.Combine(Root, path));

    /// <summary>The stages that ran so far, in order: each test command appends its name to <c>ran.log</c>.</summary>
    public IReadOnlyList<string> Ran => Exists("ran.log") ? File.ReadAllLines(Path.Combine(Root, "ran.log")) : [];

    public LoadedPipeline Load(params string[] overrides) =>
        PipelineLoader.Load(Read("keel.yaml"), Exists("params.yaml") ? Read("params.yaml") : null, overrides, "keel.yaml", "test");

    public Task<PipelineRunReport> RunAsync(PipelineRunOptions? options = null, RecordingObserver? observer = null, params string[] overrides) =>
        new PipelineExecutor(TimeProvider.System).RunAsync(Load(overrides), Root, options ?? new PipelineRunOptions(), observer, TestContext.Current.CancellationToken);
}
