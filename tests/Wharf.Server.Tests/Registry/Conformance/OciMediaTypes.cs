namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Media types the conformance data uses. Spelled out here rather than taken from Wharf.Oci so that a typo in the
/// implementation cannot cancel out against the same typo in the test.
/// </summary>
public static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string Layer = "application/vnd.oci.image.layer.v1.tar";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string LayerNondistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public const string LayerNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string EmptyJson = "application/vnd.oci.empty.v1+json";
    public const string OctetStream = "application/octet-stream";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>Artifact types of the conformance artifacts (not registered types; registries must not care).</summary>
    public const string ExampleArtifactA = "application/vnd.example.wharf.conformance.a";
    public const string ExampleArtifactB = "application/vnd.example.wharf.conformance.b";

    /// <summary>What a registry should advertise for every manifest kind it is asked to serve.</summary>
    public static readonly string AcceptManifests = string.Join(", ", ImageManifest, ImageIndex, DockerManifest, DockerManifestList);
}
