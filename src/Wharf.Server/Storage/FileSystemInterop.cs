using System.Runtime.InteropServices;

namespace Wharf.Server.Storage;

/// <summary>
/// The two POSIX operations the blob store needs and .NET does not offer: fsync of a directory, and a rename that
/// fails instead of replacing an existing name. (<see cref="File.Move(string, string, bool)"/> without overwrite
/// checks for the destination and then calls rename(2), so two racing writers can both "win".)
/// </summary>
internal static class FileSystemInterop
{
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same value on x64 and arm64

    private const int Eexist = 17;
    private const int Einval = 22;
    private const int Enosys = 38;
    private const int Eintr = 4;

    // renameat2 with RENAME_NOREPLACE is Linux 3.15+ and not every filesystem has it; once it reports that it is
    // unsupported we use link(2) + unlink(2), which is just as atomic about the destination.
    private static volatile bool s_renameNoReplaceUnsupported = !OperatingSystem.IsLinux();

    /// <summary>
    /// Makes the entries of a directory (names created, renamed or removed in it) durable. A rename is only durable
    /// once its directory is synced; without this a crash can forget a blob the caller was told is stored.
    /// </summary>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals metadata, and a directory cannot be opened for flushing without backup semantics.
            return;
        }

        var fd = Open(path, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw ErrorFor("open directory", path, Marshal.GetLastPInvokeError());
        }

        try
        {
            int result;
            do
            {
                result = FSync(fd);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == Eintr);

            // Some filesystems (certain FUSE and network ones) cannot sync a directory; their metadata durability is
            // out of our hands, so that is not an error.
            if (result < 0 && Marshal.GetLastPInvokeError() is var errno && errno != Einval)
            {
                throw ErrorFor("fsync directory", path, errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/> unless the destination exists.
    /// Returns false, leaving the source in place, when it does.
    /// </summary>
    public static bool TryRenameNoReplace(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING is atomic about the destination.
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        if (!s_renameNoReplaceUnsupported)
        {
            try
            {
                if (RenameAt2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace) == 0)
                {
                    return true;
                }
            }
            catch (EntryPointNotFoundException)
            {
                s_renameNoReplaceUnsupported = true;
                return LinkThenUnlink(source, destination);
            }

            var errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Eexist:
                    return false;
                case Einval or Enosys:
                    s_renameNoReplaceUnsupported = true;
                    break;
                default:
                    throw ErrorFor("rename", destination, errno);
            }
        }

        return LinkThenUnlink(source, destination);
    }

    private static bool LinkThenUnlink(string source, string destination)
    {
        if (Link(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Eexist ? false : throw ErrorFor("link", destination, errno);
        }

        // Between link and unlink both names exist; a crash here leaves a second name in the temp directory, which
        // start-up removes without touching the blob.
        File.Delete(source);
        return true;
    }

    private static IOException ErrorFor(string operation, string path, int errno)
        => new($"{operation} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int RenameAt2(
        int oldDirectoryFd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        int newDirectoryFd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath,
        uint flags);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Link(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
