using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>The interop suite (skopeo and podman, real processes over loopback) against Wharf's own registry.</summary>
[Collection(InteropCollection.Name)]
public sealed class WharfRegistryInteropTests(WharfRegistryFixture registry, TestImagesFixture images)
    : RegistryInteropTests(registry, images), IClassFixture<WharfRegistryFixture>;
