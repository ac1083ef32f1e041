namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// One collection for every interop test: the test images are made once, and the classes run one after
/// another, because each starts servers and containers and the machines have two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<TestImagesFixture>
{
    public const string Name = "Interop";
}
