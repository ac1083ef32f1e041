namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// The local test images, made once per test run by scripts/interop/make-images.sh (the same script the
/// benchmarks use): an OCI layout with busybox, multilayer, random, busybox-arm64 and the multiarch index,
/// plus the busybox image as Docker schema2 in a skopeo <c>dir:</c> directory.
/// </summary>
public sealed class TestImagesFixture : IAsyncLifetime
{
    // Big enough that the layer cannot travel in one small read, small enough to keep the suite quick.
    private const int RandomMiB = 8;

    private readonly TempDirectory _directory = new("wi-img");

    internal OciLayout Layout { get; private set; } = null!;

    /// <summary>A skopeo <c>dir:</c> image (manifest.json + blobs) holding busybox as Docker schema2.</summary>
    public string V2s2Directory => _directory.Combine("v2s2");

    public async Task InitializeAsync()
    {
        // Fail early, with the fix in the message, when the image tools are missing.
        foreach (var tool in new[] { "umoci", "skopeo", "openssl", "jq" })
        {
            _ = RequiredTool.Path(tool);
        }

        var made = await ProcessRunner.RunAsync(
            "bash",
            [RepositoryRoot.File("scripts", "interop", "make-images.sh"), _directory.Path, "--random-mib", $"{RandomMiB}"]);
        made.EnsureSuccess();
        Layout = new OciLayout(_directory.Combine("oci"));
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
