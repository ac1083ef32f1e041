using Wharf.Oci;

namespace Wharf.Server.Registry;

/// <summary>A manifest an index lists, as the registry browser shows it.</summary>
/// <param name="Descriptor">The index's descriptor of the child (media type, digest, platform).</param>
/// <param name="Present">Whether the child is stored in the index's repository (always, unless deleted since).</param>
/// <param name="TotalSize">The child's manifest, config and layers in bytes (each distinct blob once); the descriptor's size when absent.</param>
internal sealed record RegistryIndexChild(Descriptor Descriptor, bool Present, long TotalSize);
