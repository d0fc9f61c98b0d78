using System.Diagnostics;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Diff;
using Keel.Data.Tests.Support;

namespace Keel.Data.Tests.Diff;

public sealed class DiffSideResolverTests : IDisposable
{
    private readonly TempRepository _repo = new();

    public void Dispose() => _repo.Dispose();

    private DataPointer TrackText(string name, string text)
    {
        File.WriteAllText(_repo.PathOf(name), text);
        return FixedChunkTracker.Track(_repo.Repository, _repo.PathOf(name));
    }

    private Task<DiffSide> ResolveAsync(string argument, GitShow? git = null) =>
        new DiffSideResolver(_repo.Repository, git ?? new GitShow()).ResolveAsync(argument, _repo.Root, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ResolveAsync_PointerFileTrackedPathOrHash_ReadTheSameManifest()
    {
        var pointer = TrackText("train.csv", "a,b\n1,2\n");

        var byPointer = await ResolveAsync("train.csv.keel");
        var byData = await ResolveAsync("train.csv");
        var byHash = await ResolveAsync(pointer.Manifest);

        Assert.All(new[] { byPointer, byData, byHash }, side => Assert.Equal(pointer.Manifest, side.ManifestHash));
        Assert.Equal("train.csv", Assert.Single(byHash.Manifest.Files).Path);
    }

    [Fact]
    public async Task ResolveAsync_GitRevision_ReadsThePointerAsCommitted()
    {
        var first = TrackText("train.csv", "v1\n");
        Git("init", "-q");
        Git("add", "train.csv.keel");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1");
        var second = TrackText("train.csv", "version 2\n");

        var old = await ResolveAsync("HEAD:train.csv.keel");
        var oldByData = await ResolveAsync("HEAD:train.csv");
        var current = await ResolveAsync("train.csv");

        Assert.Equal(first.Manifest, old.ManifestHash);
        Assert.Equal(first.Manifest, oldByData.ManifestHash);
        Assert.Equal(second.Manifest, current.ManifestHash);
    }

    [Fact]
    public async Task ResolveAsync_UnknownRevision_OneLineFromGit()
    {
        Git("init", "-q");

        var error = await Assert.ThrowsAsync<KeelException>(() => ResolveAsync("no-such-rev:train.csv.keel"));

        Assert.StartsWith("Cannot read no-such-rev:train.csv.keel from git: fatal:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task ResolveAsync_GitMissing_SaysSo()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ResolveAsync("HEAD:train.csv.keel", new GitShow("keel-no-such-git-executable")));

        Assert.Contains("git could not be started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_RevisionStartingWithDash_IsNeverPassedToGit()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ResolveAsync("--output=/tmp/x:train.csv.keel"));

        Assert.Contains("cannot start with '-'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc123", "is not a manifest hash")]
    [InlineData("missing.csv", "is neither a pointer file, tracked data")]
    public async Task ResolveAsync_BadArgument_OneClearLine(string argument, string expected)
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => ResolveAsync(argument));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_ManifestNotInCache_SaysToPull()
    {
        var hash = ContentHash.Of([9, 9]);

        var error = await Assert.ThrowsAsync<KeelException>(() => ResolveAsync(hash));

        Assert.Equal($"Manifest {hash} of '{hash}' is not in the local cache; run 'keel data pull' to fetch it.", error.Message);
    }

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _repo.Root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
