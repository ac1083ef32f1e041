using BenchmarkDotNet.Running;
using Wharf.Benchmarks.Images;
using Wharf.Benchmarks.Serving;
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

        if (args is ["serving", .. var servingArgs])
        {
            return await ServingSideBySide.RunAsync(servingArgs);
        }

        // The serving benchmark's server-side children (raw loop, HTTP limit), started pinned by the mode above.
        if (args is [("serving-raw" or "serving-echo") and var servingChild, .. var childArgs])
        {
            return await ServingSideBySide.RunChildAsync(servingChild, childArgs);
        }

        // Model image build (builder vs tar+gzip+sha256 limit vs umoci) and push (RegistryClient vs skopeo); benchmarks/images/run.sh.
        if (args is ["images-build", .. var imageBuildArgs])
        {
            return await ImageBuildSideBySide.RunAsync(imageBuildArgs);
        }

        if (args is ["images-push", .. var imagePushArgs])
        {
            return await ImagePushSideBySide.RunAsync(imagePushArgs);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
