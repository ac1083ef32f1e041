using System.IO.Pipelines;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Server.Storage;

namespace Wharf.Server.Models;

/// <summary>
/// Turns one model file into the layer a model version stores for it: an uncompressed deterministic tar holding
/// exactly that file at <c>model/&lt;relative path&gt;</c> (with its parent directories), mtime 0, uid/gid 0, mode 0644.
/// <para>
/// Why a tar and not the raw file: a container image's layers must be tars, and the model image reuses the version's
/// layers verbatim (ARCHITECTURE.md, decision 3), so the same blob serves the artifact pull and the image. Uncompressed,
/// so the layer's digest is its diff_id and the bytes depend on no compressor. The mtime is the epoch, never
/// SOURCE_DATE_EPOCH or the registration time: the same file at the same path is the same layer in every version, and
/// the content-addressed store keeps it once.
/// </para>
/// The raw blob is streamed through the tar writer into the blob store over a pipe: nothing is held in memory but
/// buffers, and the store hashes what it stores.
/// </summary>
internal static class ModelFileLayer
{
    /// <summary>The directory of the layer's tar that holds the version's files.</summary>
    public const string Directory = "model";

    /// <summary>The time every entry of a model file layer carries.</summary>
    public static readonly DateTimeOffset Timestamp = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Writes the layer of <paramref name="relativePath"/>, whose bytes are the blob <paramref name="raw"/> of
    /// <paramref name="size"/> bytes, into <paramref name="blobs"/>; returns its descriptor (media type
    /// <see cref="MediaTypes.OciLayerTar"/>, digest, size).
    /// </summary>
    /// <exception cref="ImageBuildException">The path cannot be a tar entry (absolute, '..', control characters, ...).</exception>
    public static async Task<Descriptor> WriteAsync(IBlobStore blobs, string relativePath, Digest raw, long size, CancellationToken cancellationToken = default)
    {
        var layer = new DeterministicLayer().AddFileUnder(Directory, relativePath, size, async ct =>
            await blobs.OpenReadAsync(raw, ct) ?? throw new InvalidOperationException($"blob {raw} of model file '{relativePath}' vanished while its layer was written"));
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteTarAsync(layer, pipe.Writer, failed.Token);
        BlobWriteResult stored;
        try
        {
            await using var reader = pipe.Reader.AsStream();
            stored = await blobs.WriteAsync(reader, null, cancellationToken);
        }
        catch
        {
            // The writer may be waiting for room in the pipe that nobody will read any more.
            await failed.CancelAsync();
            await ((Task)writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var written = await writing;
        if (stored.Digest != written.Descriptor.Digest || stored.Size != written.Descriptor.Size)
        {
            throw new InvalidOperationException($"the layer of '{relativePath}' was stored as {stored.Digest} ({stored.Size} bytes) but written as {written.Descriptor.Digest}");
        }

        return written.Descriptor;
    }

    private static async Task<LayerWriteResult> WriteTarAsync(DeterministicLayer layer, PipeWriter writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            LayerWriteResult result;
            await using (var stream = writer.AsStream(leaveOpen: true))
            {
                result = await layer.WriteAsync(stream, LayerCompression.None, Timestamp, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            await writer.CompleteAsync();
            return result;
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex);
            throw;
        }
    }
}
