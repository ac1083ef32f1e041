using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Registry;
using OciTransferProgress = Wharf.Oci.Registry.TransferProgress;

namespace Wharf.Cli.Commands;

/// <summary>An image sink that tells <see cref="ImageProgress"/> what it does with each blob (present: skipped; else written: done).</summary>
internal sealed class ReportingLayoutSink(IImageSink inner, IProgress<OciTransferProgress> progress) : IImageSink
{
    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        progress.Report(new OciTransferProgress(descriptor, 0, descriptor.Size, TransferState.Checking));
        var has = await inner.HasBlobAsync(descriptor, cancellationToken);
        if (has)
        {
            progress.Report(new OciTransferProgress(descriptor, 0, descriptor.Size, TransferState.Skipped));
        }

        return has;
    }

    public async Task<long> WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken = default)
    {
        progress.Report(new OciTransferProgress(descriptor, 0, descriptor.Size, TransferState.Uploading));
        var written = await inner.WriteBlobAsync(descriptor, content, cancellationToken);
        progress.Report(new OciTransferProgress(descriptor, written, descriptor.Size, written > 0 ? TransferState.Done : TransferState.Skipped));
        return written;
    }

    public Task WriteManifestAsync(Descriptor descriptor, ReadOnlyMemory<byte> content, string reference, CancellationToken cancellationToken = default)
        => inner.WriteManifestAsync(descriptor, content, reference, cancellationToken);
}
