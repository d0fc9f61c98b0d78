using Keel.Data.StatCache;
using Keel.Data.Tests.Add;
using Keel.Testing;

namespace Keel.Data.Tests.StatCache;

public sealed class FileStampsTests : IDisposable
{
    private readonly TempDirectory _folder = new("keel-stamps");

    [Fact]
    public void Read_RegularFile_GivesSizeTimesAndInode()
    {
        var path = Path.Combine(_folder.Path, "a.txt");
        File.WriteAllText(path, "12345");
        var written = new DateTime(2020, 5, 17, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(path, written);

        var status = FileStamps.Read(path);

        Assert.Equal(FileKind.Regular, status.Kind);
        Assert.Equal(5, status.Stamp.Size);
        Assert.Equal(written.Ticks, status.Stamp.LastWriteTicks);
        Assert.NotEqual(0, status.Stamp.ChangeTicks);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotEqual(0UL, status.Stamp.Inode);
        }
    }

    [Fact]
    public void Read_FileReplacedBySameSizeFileWithSameTime_ChangesStamp()
    {
        var path = Path.Combine(_folder.Path, "a.txt");
        File.WriteAllText(path, "first");
        var before = FileStamps.Read(path);
        var replacement = Path.Combine(_folder.Path, "b.txt");
        File.WriteAllText(replacement, "other");
        File.SetLastWriteTimeUtc(replacement, new DateTime(before.Stamp.LastWriteTicks, DateTimeKind.Utc));
        File.Move(replacement, path, overwrite: true);

        Assert.NotEqual(before.Stamp, FileStamps.Read(path).Stamp);
    }

    [Fact]
    public void Read_KindsOfPath_AreTold()
    {
        var file = Path.Combine(_folder.Path, "f");
        File.WriteAllText(file, "");
        var link = Path.Combine(_folder.Path, "l");
        File.CreateSymbolicLink(link, file);
        var fifo = Path.Combine(_folder.Path, "p");
        TestRepository.MakeFifo(fifo);

        Assert.Equal(FileKind.Directory, FileStamps.Read(_folder.Path).Kind);
        Assert.Equal(FileKind.SymbolicLink, FileStamps.Read(link).Kind);
        Assert.Equal(FileKind.Special, FileStamps.Read(fifo).Kind);
        Assert.Equal(FileKind.Missing, FileStamps.Read(Path.Combine(_folder.Path, "none")).Kind);
        Assert.Equal(FileKind.Missing, FileStamps.Read(Path.Combine(file, "below-a-file")).Kind);
    }

    public void Dispose() => _folder.Dispose();
}
