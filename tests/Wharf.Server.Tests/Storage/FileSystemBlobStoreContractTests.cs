using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Storage;

public sealed class FileSystemBlobStoreContractTests : BlobStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreContractTests()
        => _store = new FileSystemBlobStore(_directory.Combine("blobs"), NullLogger<FileSystemBlobStore>.Instance, TimeProvider.System);

    private protected override IBlobStore Store => _store;

    private protected override async Task AssertNoLeftoversAsync()
    {
        Assert.Empty(BlobTree.TempFiles(_store.Root));
        await BlobTree.AssertConsistentAsync(_store.Root);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
