using System.Text;
using Wharf.Oci;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>An image made in the test: random layers, a config that lists them, and the manifest, all in memory.</summary>
internal sealed class RandomImage
{
    private readonly Dictionary<Digest, byte[]> _content = [];

    public RandomImage(params int[] layerSizes)
    {
        Layers = [.. layerSizes.Select(size =>
        {
            var bytes = new byte[size];
            Random.Shared.NextBytes(bytes);
            return Add(MediaTypes.OciLayerGzip, bytes);
        })];
        var diffIds = string.Join(",", Layers.Select(l => $"\"{l.Digest}\""));
        Config = Add(MediaTypes.OciConfig, Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"nonce":"{{{Guid.NewGuid()}}}"}},"rootfs":{"type":"layers","diff_ids":[{{{diffIds}}}]}}"""));
        static string D(Descriptor d) => $$"""{"mediaType":"{{d.MediaType}}","digest":"{{d.Digest}}","size":{{d.Size}}}""";
        Manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{{D(Config)}},"layers":[{{string.Join(",", Layers.Select(D))}}]}""");
    }

    public Descriptor Config { get; }

    public IReadOnlyList<Descriptor> Layers { get; }

    public IReadOnlyList<Descriptor> Blobs => [Config, .. Layers];

    public byte[] Manifest { get; }

    public Digest ManifestDigest => Digest.Sha256(Manifest);

    public byte[] this[Digest digest] => _content[digest];

    public long TotalBlobBytes => Blobs.Sum(b => b.Size);

    public ValueTask<Stream> OpenAsync(Descriptor blob, CancellationToken cancellationToken)
        => ValueTask.FromResult<Stream>(new MemoryStream(_content[blob.Digest], writable: false));

    private Descriptor Add(string mediaType, byte[] bytes)
    {
        var descriptor = new Descriptor(mediaType, Digest.Sha256(bytes), bytes.Length);
        _content[descriptor.Digest] = bytes;
        return descriptor;
    }
}
