namespace Wharf.Server.Hosting;

/// <summary>Platform-wide settings, bound from the <c>Wharf</c> configuration section.</summary>
internal sealed class WharfOptions
{
    public const string Section = "Wharf";

    /// <summary>
    /// Directory that holds the SQLite database and the filesystem blob store. Set with the environment variable
    /// <c>WHARF_DATA</c> or <c>Wharf:DataDirectory</c>; relative paths are resolved against the working directory.
    /// </summary>
    public string DataDirectory { get; set; } = ".wharf";

    /// <summary>
    /// The address clients use to reach this server (for example <c>https://wharf.example.com</c>) when it sits behind
    /// a proxy: the registry's token realm and the links the server prints are built from it. Unset, the request's
    /// own scheme and host are used.
    /// </summary>
    public Uri? ExternalUrl { get; set; }

    /// <summary>The data directory as an absolute path.</summary>
    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
}
