namespace Wharf.Oci.Building;

/// <summary>How a layer's tar is stored.</summary>
public enum LayerCompression
{
    /// <summary>gzip with a fixed header (media type <c>application/vnd.oci.image.layer.v1.tar+gzip</c>).</summary>
    Gzip,

    /// <summary>
    /// The tar as is (media type <c>application/vnd.oci.image.layer.v1.tar</c>): digest equals diff_id and the bytes
    /// do not depend on any compressor's version. Best for weights that do not compress.
    /// </summary>
    None,
}
