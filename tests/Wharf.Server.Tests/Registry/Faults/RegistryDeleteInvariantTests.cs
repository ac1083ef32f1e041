using System.Net;
using Wharf.Client;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Registry.Faults;

/// <summary>
/// Deletes through the API may not break what the registry check holds as invariants: a manifest's blobs stay linked
/// and an index's children stay present while they are referenced, so a tagged image never fails to pull because of
/// a delete of something it needs. Deleting in the right order (the referrer first) still works.
/// </summary>
public sealed class RegistryDeleteInvariantTests
{
    [Fact]
    public async Task BlobDelete_ReferencedByManifest_RefusedWith409AndImageStillPulls()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var image = TestImages.Create("image");
        await registry.Registry.PushImageAsync("del/app", image);
        var layer = image.Blobs[^1];

        var refused = await registry.Registry.DeleteBlobAsync("del/app", layer.Digest);

        RegistryAssert.Error(refused, HttpStatusCode.Conflict, "DENIED");
        RegistryAssert.Body(layer.Content, await registry.Registry.GetBlobAsync("del/app", layer.Digest), "the layer still pulls");
        FsckAssert.Clean(await registry.CheckAsync());

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("del/app", image.Root.Digest), "manifest first");
        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteBlobAsync("del/app", layer.Digest), "then the blob");
        FsckAssert.Clean(await registry.CheckAsync(), "after deleting in order");
    }

    [Fact]
    public async Task ManifestDelete_ListedByIndex_RefusedWith409AndIndexStillPulls()
    {
        await using var registry = await TestRegistry.StartAsync(postgres: null);
        var image = TestImages.Create("index");
        await registry.Registry.PushImageAsync("del/multi", image);
        var child = image.Manifests[0];

        var refused = await registry.Registry.DeleteManifestAsync("del/multi", child.Digest);

        RegistryAssert.Error(refused, HttpStatusCode.Conflict, "DENIED");
        RegistryAssert.Status(HttpStatusCode.OK, await registry.Registry.HeadManifestAsync("del/multi", child.Digest), "the child is still there");
        var api = await Assert.ThrowsAsync<WharfApiException>(() => registry.Api.DeleteReferenceAsync($"del/multi@{child.Digest}"));
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        FsckAssert.Clean(await registry.CheckAsync());

        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("del/multi", image.Root.Digest), "index first");
        RegistryAssert.Status(HttpStatusCode.Accepted, await registry.Registry.DeleteManifestAsync("del/multi", child.Digest), "then the child");
        FsckAssert.Clean(await registry.CheckAsync(), "after deleting in order");
    }
}
