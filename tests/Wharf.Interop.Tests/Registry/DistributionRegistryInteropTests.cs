using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>The interop suite against CNCF distribution 2.8: proves the tests, and is the bar for Wharf.</summary>
[Collection(InteropCollection.Name)]
public sealed class DistributionRegistryInteropTests(DistributionRegistryFixture registry, TestImagesFixture images)
    : RegistryInteropTests(registry, images), IClassFixture<DistributionRegistryFixture>;
