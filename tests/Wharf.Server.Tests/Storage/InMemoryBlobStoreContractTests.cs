using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Storage;

public sealed class InMemoryBlobStoreContractTests : BlobStoreContractTests
{
    private protected override IBlobStore Store { get; } = new InMemoryBlobStore();

    // The in-memory driver holds every blob in memory by design; the streaming limits are the filesystem driver's.
    private protected override long LargeBlobSize => 64L << 20;
}
