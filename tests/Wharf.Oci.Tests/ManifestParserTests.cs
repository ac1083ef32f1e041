using System.Text;

namespace Wharf.Oci.Tests;

public sealed class ManifestParserTests
{
    private const string A = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string C = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    private static readonly string ImageManifest = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{A}}}","size":7023},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{B}}}","size":32654}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{C}}}","size":10},
         "annotations":{"org.opencontainers.image.title":"x"}}
        """;

    [Fact]
    public void TryParse_ImageManifest_ExtractsConfigLayersSubjectAndArtifactType()
    {
        var manifest = Parse(ImageManifest, MediaTypes.OciManifest);

        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(Digest.Parse(A), manifest.Config!.Digest);
        Assert.Equal(7023, manifest.Config.Size);
        Assert.Equal([Digest.Parse(A), Digest.Parse(B)], manifest.Blobs.Select(d => d.Digest));
        Assert.Equal(Digest.Parse(C), manifest.Subject!.Digest);
        Assert.Equal(MediaTypes.OciConfig, manifest.ArtifactType);
        Assert.Equal("x", manifest.Annotations!["org.opencontainers.image.title"]);
        Assert.False(manifest.IsIndex);
    }

    [Fact]
    public void TryParse_ArtifactTypeField_WinsOverConfigMediaType()
    {
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.wharf.model.v1",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{A}}}","size":2},"layers":[]}
            """;

        Assert.Equal("application/vnd.wharf.model.v1", Parse(json, MediaTypes.OciManifest).ArtifactType);
    }

    [Fact]
    public void TryParse_Index_ExtractsChildManifestsWithPlatform()
    {
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
             "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{A}}}","size":7,
                           "platform":{"architecture":"amd64","os":"linux"}}]}
            """;

        var index = Parse(json, MediaTypes.OciIndex);

        Assert.True(index.IsIndex);
        Assert.Empty(index.Blobs);
        Assert.Equal(new Platform("amd64", "linux"), Assert.Single(index.Manifests).Platform);
    }

    [Fact]
    public void TryParse_DockerSchema2WithoutContentTypeHeader_UsesBodyMediaType()
    {
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{{A}}}","size":1},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"{{{B}}}","size":2}]}
            """;

        Assert.Equal(MediaTypes.DockerManifest, Parse(json, null).MediaType);
    }

    [Fact]
    public void TryParse_ContentTypeWithCharsetParameter_IsAccepted()
    {
        Assert.Equal(MediaTypes.OciManifest, Parse(ImageManifest, MediaTypes.OciManifest + "; charset=utf-8").MediaType);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"schemaVersion":1,"config":{},"layers":[]}""", "schemaVersion must be 2")]
    [InlineData("""{"schemaVersion":2,"layers":[]}""", "config is required")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:00","size":1},"layers":[]}""", "config.digest")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":-1},"layers":[]}""", "size must be a non-negative integer")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"not a media type","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1},"layers":[]}""", "not a valid media type")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1},"layers":{}}""", "layers must be an array")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "does not match Content-Type")]
    [InlineData("""{"schemaVersion":2,"mediaType":42}""", "mediaType must be a string")]
    public void TryParse_InvalidManifest_ReturnsNullWithReason(string json, string expected)
    {
        var manifest = ManifestParser.TryParse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest, out var error);

        Assert.Null(manifest);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnsupportedContentType_IsRejected()
    {
        Assert.Null(ManifestParser.TryParse(Encoding.UTF8.GetBytes(ImageManifest), "text/plain", out var error));
        Assert.Contains("'text/plain' is not a manifest media type", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DeeplyNestedJson_IsRejectedNotCrashing()
    {
        var deep = "{\"schemaVersion\":2,\"annotations\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.Null(ManifestParser.TryParse(Encoding.UTF8.GetBytes(deep), MediaTypes.OciManifest, out var error));
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }

    private static Manifest Parse(string json, string? mediaType)
    {
        var manifest = ManifestParser.TryParse(Encoding.UTF8.GetBytes(json), mediaType, out var error);
        Assert.True(manifest is not null, error);
        return manifest;
    }
}
