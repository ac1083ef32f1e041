namespace Wharf.Serving.Sources;

/// <summary>What a <see cref="ModelSourceSpec"/> names.</summary>
internal enum ModelSourceKind
{
    /// <summary>A local .onnx file, or a directory holding the model's files.</summary>
    Local,

    /// <summary>An OCI image layout directory (<c>oci:&lt;dir&gt;[:&lt;ref&gt;]</c>, or a directory with an <c>oci-layout</c> file).</summary>
    OciLayout,

    /// <summary>A registry reference <c>host[:port]/repository[:tag|@digest]</c>.</summary>
    Registry,
}
