using Wharf.Server.Registry;

namespace Wharf.Server.Tests.Registry;

public sealed class RegistryRouteTests
{
    [Theory]
    [InlineData("", "Base", null, null)]
    [InlineData("_catalog", "Catalog", null, null)]
    [InlineData("proj/app/manifests/latest", "Manifest", "proj/app", "latest")]
    [InlineData("proj/a/b/c/manifests/sha256:abc", "Manifest", "proj/a/b/c", "sha256:abc")]
    [InlineData("proj/app/blobs/sha256:abc", "Blob", "proj/app", "sha256:abc")]
    [InlineData("proj/app/blobs/uploads/", "UploadStart", "proj/app", null)]
    [InlineData("proj/app/blobs/uploads", "UploadStart", "proj/app", null)]
    [InlineData("proj/app/blobs/uploads/3f2a", "Upload", "proj/app", "3f2a")]
    [InlineData("proj/app/tags/list", "Tags", "proj/app", null)]
    [InlineData("proj/app/referrers/sha256:abc", "Referrers", "proj/app", "sha256:abc")]
    [InlineData("proj/manifests/manifests/v1", "Manifest", "proj/manifests", "v1")]
    [InlineData("proj/blobs/blobs/uploads/", "UploadStart", "proj/blobs", null)]
    public void Parse_KnownShapes_SplitsNameAndReferenceFromTheEnd(string path, string resource, string? name, string? reference)
    {
        var route = RegistryRoute.Parse(path);

        Assert.NotNull(route);
        Assert.Equal(Enum.Parse<RegistryResource>(resource), route.Value.Resource);
        Assert.Equal(name, route.Value.Name);
        Assert.Equal(reference, route.Value.Reference);
    }

    [Theory]
    [InlineData("manifests/latest")]
    [InlineData("proj/app")]
    [InlineData("proj/app/manifests/")]
    [InlineData("proj/app/unknown/x")]
    [InlineData("tags/list")]
    public void Parse_NothingAddressed_ReturnsNull(string path)
    {
        Assert.Null(RegistryRoute.Parse(path));
    }
}
