using System.Formats.Tar;
using System.IO.Compression;
using Keel.Testing;
using Keel.Workers.Stages;

namespace Keel.Workers.Tests;

public sealed class TarGzTests
{
    [Fact]
    public async Task PackThenExtract_FilesAndFolders_RoundTrip()
    {
        using var source = new TempDirectory("keel-tar-src");
        using var target = new TempDirectory("keel-tar-dst");
        Directory.CreateDirectory(Path.Combine(source.Path, "models", "deep"));
        await File.WriteAllTextAsync(Path.Combine(source.Path, "models", "deep", "m.bin"), "weights");
        await File.WriteAllTextAsync(Path.Combine(source.Path, "metrics.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(source.Path, "not-packed.txt"), "x");
        using var archive = new MemoryStream();

        await TarGz.PackAsync(source.Path, ["models", "metrics.json"], archive, CancellationToken.None);
        archive.Position = 0;
        await TarGz.ExtractAsync(archive, target.Path, CancellationToken.None);

        Assert.Equal("weights", await File.ReadAllTextAsync(Path.Combine(target.Path, "models", "deep", "m.bin")));
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(target.Path, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(target.Path, "not-packed.txt")));
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("/etc/escaped.txt")]
    [InlineData("a/../../escaped.txt")]
    public async Task Extract_EntryOutsideTheFolder_IsRefusedAndNothingIsWrittenOutside(string name)
    {
        using var parent = new TempDirectory("keel-tar-parent");
        var target = Directory.CreateDirectory(Path.Combine(parent.Path, "workspace")).FullName;
        using var archive = await ArchiveAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TarGz.ExtractAsync(archive, target, CancellationToken.None));

        Assert.Contains("lies outside the folder", error.Message);
        Assert.False(File.Exists(Path.Combine(parent.Path, "escaped.txt")));
    }

    [Fact]
    public async Task Extract_SymbolicLink_IsRefused()
    {
        using var target = new TempDirectory("keel-tar-link");
        using var archive = await ArchiveAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TarGz.ExtractAsync(archive, target.Path, CancellationToken.None));

        Assert.Equal("archive entry 'link' is a SymbolicLink; only files and folders are accepted", error.Message);
    }

    private static async Task<MemoryStream> ArchiveAsync(TarEntry entry)
    {
        var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, leaveOpen: true))
        {
            await tar.WriteEntryAsync(entry);
        }
        archive.Position = 0;
        return archive;
    }
}
