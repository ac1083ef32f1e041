namespace Wharf.Oci.Building;

/// <summary>Where a layer of a built image came from.</summary>
public enum LayerOrigin
{
    /// <summary>A layer of the base image.</summary>
    Base,

    /// <summary>A layer built from files by <see cref="DeterministicLayer"/>.</summary>
    Built,

    /// <summary>An existing blob appended verbatim (for example a model version's stored layer).</summary>
    Existing,
}
