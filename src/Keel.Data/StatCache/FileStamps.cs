using System.Runtime.InteropServices;

namespace Keel.Data.StatCache;

/// <summary>
/// Reads a <see cref="FileStatus"/> without following symbolic links. On Linux one <c>statx</c> call gives size,
/// nanosecond times and inode (its buffer layout is the same on every architecture, unlike <c>struct stat</c>);
/// elsewhere, or where the C library lacks <c>statx</c>, <see cref="FileSystemInfo"/> gives size and times.
/// </summary>
internal static class FileStamps
{
    private static bool s_statxMissing = !OperatingSystem.IsLinux();

    public static FileStatus Read(string path)
    {
        if (!s_statxMissing)
        {
            try
            {
                return Statx.Read(path);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                s_statxMissing = true;
            }
        }
        return ReadPortable(path);
    }

    private static FileStatus ReadPortable(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            var folder = new DirectoryInfo(path);
            return folder.Exists
                ? new FileStatus(folder.LinkTarget is null ? FileKind.Directory : FileKind.SymbolicLink, default)
                : new FileStatus(FileKind.Missing, default);
        }
        var kind = info.LinkTarget is not null ? FileKind.SymbolicLink : FileKind.Regular;
        return new FileStatus(kind, new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, info.CreationTimeUtc.Ticks, 0));
    }

    private static class Statx
    {
        private const int AtCurrentDirectory = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint BasicStats = 0x7ff;
        private const int NoSuchEntry = 2;
        private const int NotADirectory = 20;

        // Offsets into struct statx (linux/stat.h), fixed across architectures; the whole struct is 256 bytes.
        private const int ModeOffset = 28;
        private const int InodeOffset = 32;
        private const int SizeOffset = 40;
        private const int ChangeTimeOffset = 96;
        private const int ModifyTimeOffset = 112;

        public static FileStatus Read(string path)
        {
            var buffer = new byte[256];
            if (NativeStatx(AtCurrentDirectory, path, AtSymlinkNoFollow, BasicStats, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is NoSuchEntry or NotADirectory
                    ? new FileStatus(FileKind.Missing, default)
                    : throw new IOException($"Cannot read the metadata of '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
            var mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
            var kind = mode switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.SymbolicLink,
                _ => FileKind.Special,
            };
            return new FileStatus(kind, new FileStamp(
                BitConverter.ToInt64(buffer, SizeOffset),
                Ticks(buffer, ModifyTimeOffset),
                Ticks(buffer, ChangeTimeOffset),
                BitConverter.ToUInt64(buffer, InodeOffset)));
        }

        // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 reserved; }
        private static long Ticks(byte[] buffer, int offset) =>
            DateTime.UnixEpoch.Ticks + (BitConverter.ToInt64(buffer, offset) * TimeSpan.TicksPerSecond) + (BitConverter.ToUInt32(buffer, offset + 8) / 100);

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int NativeStatx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
    }
}
