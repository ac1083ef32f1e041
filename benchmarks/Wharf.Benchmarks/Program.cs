using BenchmarkDotNet.Running;
using Wharf.Benchmarks.Storage;
using Wharf.Benchmarks.Tracking;

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

        if (args is ["tracking", .. var trackingArgs])
        {
            return await TrackingSideBySide.RunAsync(trackingArgs);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
