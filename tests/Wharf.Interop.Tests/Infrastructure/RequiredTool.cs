using System.Collections.Concurrent;

namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// Finds the external programs the interop tests drive. A missing tool is a failure with a message that
/// says how to fix it, never a skip: a suite that quietly passes without skopeo has tested nothing.
/// </summary>
internal static class RequiredTool
{
    private static readonly ConcurrentDictionary<string, string> Found = new(StringComparer.Ordinal);

    public static string Path(string name) => Found.GetOrAdd(name, Locate);

    private static string Locate(string name)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (var directory in directories)
        {
            var candidate = System.IO.Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found on PATH. The registry interop tests need podman, runc, skopeo, umoci, " +
            "busybox-static, docker-registry, openssl and jq: run `sudo scripts/interop/setup.sh` once on this machine.");
    }
}
