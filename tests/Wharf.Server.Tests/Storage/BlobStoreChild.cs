using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Storage;

/// <summary>The child-process side of the blob store fault tests, and the parent's helper to start it.</summary>
internal static class BlobStoreChild
{
    /// <summary>Child: writes a file into the store at <paramref name="root"/> and prints the digest.</summary>
    public static async Task<int> PutAsync(string root, string file)
    {
        var store = new FileSystemBlobStore(root, NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);
        await using var content = File.OpenRead(file);
        var result = await store.WriteAsync(content);
        Console.WriteLine(result.Digest);
        return 0;
    }

    /// <summary>Parent: starts <c>child blob-put</c> with the given failpoints, signalling through <paramref name="signalFile"/>.</summary>
    public static Process Start(string root, string file, string failpoints, string signalFile)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", typeof(BlobStoreChild).Assembly.Location, "child", "blob-put", root, file })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["WHARF_FAILPOINTS"] = failpoints;
        start.Environment["WHARF_FAILPOINTS_SIGNAL"] = signalFile;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
    }
}
