using System.Text;

namespace Wharf.Oci.Tests.Registry;

/// <summary>A small random image: layers of the given sizes, a config, and the manifest that lists them.</summary>
internal sealed class TestImage
{
    private TestImage(Descriptor config, IReadOnlyList<Descriptor> layers, Dictionary<Digest, byte[]> content, byte[] manifest)
    {
        Config = config;
        Layers = layers;
        Content = content;
        Manifest = manifest;
    }

    public Descriptor Config { get; }

    public IReadOnlyList<Descriptor> Layers { get; }

    public IReadOnlyList<Descriptor> Blobs => [Config, .. Layers];

    public Dictionary<Digest, byte[]> Content { get; }

    public byte[] Manifest { get; }

    public Digest ManifestDigest => Digest.Sha256(Manifest);

    public static TestImage Create(params int[] layerSizes)
    {
        var content = new Dictionary<Digest, byte[]>();
        var layers = layerSizes.Select(size =>
        {
            var bytes = new byte[size];
            Random.Shared.NextBytes(bytes);
            var digest = Digest.Sha256(bytes);
            content[digest] = bytes;
            return new Descriptor(MediaTypes.OciLayerGzip, digest, size);
        }).ToList();
        var configBytes = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"nonce":"{{Guid.NewGuid()}}"}""");
        var config = new Descriptor(MediaTypes.OciConfig, Digest.Sha256(configBytes), configBytes.Length);
        content[config.Digest] = configBytes;
        return new TestImage(config, layers, content, ManifestFor(config, layers));
    }

    public static byte[] ManifestFor(Descriptor config, IEnumerable<Descriptor> layers)
    {
        static string D(Descriptor d) => $$"""{"mediaType":"{{d.MediaType}}","digest":"{{d.Digest}}","size":{{d.Size}}}""";
        return Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{{D(config)}},"layers":[{{string.Join(",", layers.Select(D))}}]}""");
    }

    public ValueTask<Stream> OpenAsync(Descriptor blob, CancellationToken cancellationToken)
        => ValueTask.FromResult<Stream>(new MemoryStream(Content[blob.Digest], writable: false));
}
