namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>A fresh directory, deleted with everything in it on dispose.</summary>
/// <remarks>
/// The path is deliberately short and lower case: podman refuses a runroot longer than 50 characters, and
/// names an image pulled from an OCI layout after the layout's path, which must be lower case.
/// </remarks>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "wi")
    {
        Path = System.IO.Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] relative) => System.IO.Path.Combine([Path, .. relative]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
