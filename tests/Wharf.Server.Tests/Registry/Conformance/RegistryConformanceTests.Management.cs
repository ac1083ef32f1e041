using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Content management: deleting manifests, tags and blobs (upstream 04_content_management, 08_manifest_delete,
// 09_blob_delete).
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task ManifestDelete_ByDigest_Returns202AndManifestAndTagsAreGone()
    {
        var repository = NewRepository("delete");
        var image = await PushBystanderAsync(repository);
        await Registry.PushManifestAsync(repository, "other-tag", image.Root);
        var keep = TestImages.Create("no-layers");
        await Registry.PushImageAsync(repository, keep);
        await Registry.PushManifestAsync(repository, "kept", keep.Root);

        var delete = await Registry.DeleteManifestAsync(repository, image.Root.Digest);

        RegistryAssert.Status(HttpStatusCode.Accepted, delete);
        RegistryAssert.Error(await Registry.GetManifestAsync(repository, image.Root.Digest), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        RegistryAssert.Error(await Registry.GetManifestAsync(repository, "image"), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "other-tag"), "other tag");
        var tags = (await Registry.ListTagsAsync(repository)).Json<TagListDocument>().Tags ?? [];
        Assert.DoesNotContain("image", tags);
        Assert.DoesNotContain("other-tag", tags);
        Assert.Contains("kept", tags);
        RegistryAssert.Body(keep.Root.Content, await Registry.GetManifestAsync(repository, "kept"));
    }

    [Fact]
    public async Task ManifestDelete_UnknownDigest_Returns404()
    {
        var repository = NewRepository("delete");
        await PushBystanderAsync(repository);

        var delete = await Registry.DeleteManifestAsync(repository, OciDigest.Missing("delete-manifest"));

        RegistryAssert.Status(HttpStatusCode.NotFound, delete);
        RegistryAssert.Envelope(delete);
    }

    [Fact]
    public async Task ManifestDelete_ByTag_DeletesOnlyTheTagOrIsRefusedWith400Or405()
    {
        // Tag deletion is optional: a registry that does it answers 202, one that does not answers 400 or 405.
        var repository = NewRepository("delete-tag");
        var image = await PushBystanderAsync(repository);

        var delete = await Registry.DeleteManifestAsync(repository, "image");

        RegistryAssert.StatusIn(delete, "DELETE tag", HttpStatusCode.Accepted, HttpStatusCode.BadRequest, HttpStatusCode.MethodNotAllowed);
        var byTag = await Registry.HeadManifestAsync(repository, "image");
        if (delete.Status == HttpStatusCode.Accepted)
        {
            RegistryAssert.Status(HttpStatusCode.NotFound, byTag, "deleted tag");
        }
        else
        {
            RegistryAssert.Envelope(delete);
            RegistryAssert.Status(HttpStatusCode.OK, byTag, "refused tag delete leaves the tag");
        }

        RegistryAssert.Body(image.Root.Content, await Registry.GetManifestAsync(repository, image.Root.Digest), "manifest by digest");
    }

    [Fact]
    public async Task BlobDelete_Existing_Returns202ThenBlobUnknown()
    {
        var repository = NewRepository("delete-blob");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("delete/blob", 800));
        var other = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("delete/other", 800));
        await Registry.PushBlobAsync(repository, blob);
        await Registry.PushBlobAsync(repository, other);

        var delete = await Registry.DeleteBlobAsync(repository, blob.Digest);

        RegistryAssert.Status(HttpStatusCode.Accepted, delete);
        RegistryAssert.Error(await Registry.GetBlobAsync(repository, blob.Digest), HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(repository, blob.Digest), "HEAD");
        RegistryAssert.Body(other.Content, await Registry.GetBlobAsync(repository, other.Digest), "the other blob");
    }

    [Fact]
    public async Task BlobDelete_Unknown_Returns404()
    {
        var repository = NewRepository("delete-blob");
        await PushBystanderAsync(repository);

        var delete = await Registry.DeleteBlobAsync(repository, OciDigest.Missing("delete-blob"));

        RegistryAssert.Status(HttpStatusCode.NotFound, delete);
        RegistryAssert.Envelope(delete);
    }

    [Fact]
    public async Task BlobDelete_InOneRepository_LeavesTheSameBlobInAnother()
    {
        var first = NewRepository("delete-blob");
        var second = NewRepository("delete-blob");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("delete/shared", 800));
        await Registry.PushBlobAsync(first, blob);
        await Registry.PushBlobAsync(second, blob);

        RegistryAssert.Status(HttpStatusCode.Accepted, await Registry.DeleteBlobAsync(first, blob.Digest), "DELETE");

        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(first, blob.Digest), "deleted here");
        RegistryAssert.Body(blob.Content, await Registry.GetBlobAsync(second, blob.Digest), "still there");
    }
}
