namespace Wharf.Oci;

/// <summary>The platform an image of an index runs on.</summary>
/// <param name="Architecture">CPU architecture, for example <c>amd64</c>.</param>
/// <param name="Os">Operating system, for example <c>linux</c>.</param>
/// <param name="Variant">CPU variant, for example <c>v8</c>.</param>
public sealed record Platform(string Architecture, string Os, string? Variant = null);
