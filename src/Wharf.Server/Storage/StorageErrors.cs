namespace Wharf.Server.Storage;

/// <summary>Classifies storage failures so each surface can map them (for example a full disk to 507).</summary>
internal static class StorageErrors
{
    // ENOSPC and EDQUOT as Linux numbers them (the runtime puts errno in HResult on Unix); ERROR_DISK_FULL and
    // ERROR_HANDLE_DISK_FULL on Windows.
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when the exception reports that the disk or the user's quota is full.</summary>
    public static bool IsDiskFull(this IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return OperatingSystem.IsWindows()
            ? exception.HResult is WindowsDiskFull or WindowsHandleDiskFull
            : exception.HResult is Enospc or Edquot;
    }
}
