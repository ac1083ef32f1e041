namespace Wharf.Oci.Building;

/// <summary>What an image build produced and wrote.</summary>
/// <param name="Manifest">The image manifest's descriptor (its digest identifies the image).</param>
/// <param name="Config">The config blob's descriptor.</param>
/// <param name="Layers">Every layer in manifest order: the base's, then the appended ones.</param>
/// <param name="ConfigBytesWritten">Bytes of the config written (0 when the sink had it).</param>
/// <param name="ManifestBytes">Bytes of the manifest written.</param>
public sealed record BuildResult(Descriptor Manifest, Descriptor Config, IReadOnlyList<BuiltLayer> Layers, long ConfigBytesWritten, long ManifestBytes)
{
    /// <summary>Every byte written to the sink: new layers, the config and the manifest.</summary>
    public long BytesWritten => Layers.Sum(l => l.BytesWritten) + ConfigBytesWritten + ManifestBytes;

    /// <summary>The image's total compressed size: config plus every layer.</summary>
    public long ImageSize => Config.Size + Layers.Sum(l => l.Descriptor.Size);
}
