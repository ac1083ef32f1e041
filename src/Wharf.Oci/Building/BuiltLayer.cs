namespace Wharf.Oci.Building;

/// <summary>One layer of a built image and what the build did with it.</summary>
/// <param name="Descriptor">The layer's descriptor as it appears in the manifest.</param>
/// <param name="DiffId">The digest of the uncompressed tar.</param>
/// <param name="Origin">Where the layer came from.</param>
/// <param name="BytesWritten">Bytes written to the sink for this layer: 0 when the sink had it already.</param>
/// <param name="FromCache">True when the layer was not rebuilt because <see cref="LayerCache"/> knew its result and the sink had the blob.</param>
public sealed record BuiltLayer(Descriptor Descriptor, Digest DiffId, LayerOrigin Origin, long BytesWritten, bool FromCache)
{
    /// <summary>True when this build wrote the layer's bytes to the sink.</summary>
    public bool Written => BytesWritten > 0;
}
