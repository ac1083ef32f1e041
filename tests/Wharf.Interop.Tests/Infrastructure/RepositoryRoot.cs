namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// The checkout the tests run from. The interop tests drive the same shell scripts a developer runs
/// (scripts/interop/), so the scripts stay the one source of truth for images and podman settings.
/// </summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string File(params string[] relative) => System.IO.Path.Combine([Path, .. relative]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Wharf.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Wharf.slnx not found above {AppContext.BaseDirectory}; the interop tests run from a checkout.");
    }
}
