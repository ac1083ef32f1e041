using BenchmarkDotNet.Running;
using Wharf.Benchmarks.Storage;

namespace Wharf.Benchmarks;

internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Side-by-side modes print Wharf against its limit or anchor; anything else goes to BenchmarkDotNet.
        if (args is ["blobstore", .. var rest])
        {
            return await BlobStoreSideBySide.RunAsync(rest);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
