using Microsoft.Extensions.Options;
using Wharf.Oci.Building;
using Wharf.Server.Storage;

namespace Wharf.Server.Images;

/// <summary>
/// The serving runtime as one gzip layer at <c>/opt/wharf-serve</c>, shared by every model image: built from
/// <see cref="ImagesOptions.ServingRuntimeDirectory"/> with <see cref="DeterministicLayer"/> and a fixed timestamp (the
/// Unix epoch, not the model's), so the same directory gives the same layer digest in every image, and written once
/// into the blob store. <see cref="LayerCache"/> remembers it by file names, sizes and times: a process builds it once.
/// </summary>
internal sealed class ServingRuntimeLayer(IOptions<ImagesOptions> options, IBlobStore blobs)
{
    public const string ImageDirectory = "/opt/wharf-serve";
    public const string Executable = "wharf-serve";
    public const string NotConfigured = "no serving runtime configured (Wharf:Images:ServingRuntimeDirectory)";

    private static readonly DateTimeOffset Timestamp = DateTimeOffset.UnixEpoch;
    private readonly LayerCache _cache = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The layer, in the blob store; throws <see cref="ImageBuildException"/> saying what is wrong with the directory.</summary>
    public async Task<(LayerWriteResult Layer, bool Built)> GetAsync(CancellationToken cancellationToken = default)
    {
        var directory = options.Value.ServingRuntimeDirectory;
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ImageBuildException(NotConfigured);
        }

        if (!Directory.Exists(directory))
        {
            throw new ImageBuildException($"the serving runtime directory '{directory}' (Wharf:Images:ServingRuntimeDirectory) does not exist");
        }

        if (!File.Exists(Path.Combine(directory, Executable)))
        {
            throw new ImageBuildException($"the serving runtime directory '{directory}' (Wharf:Images:ServingRuntimeDirectory) has no '{Executable}' executable: publish src/Wharf.Serving self-contained for linux-x64 into it");
        }

        var layer = new DeterministicLayer().AddDirectoryTree(directory, ImageDirectory);
        var key = layer.ComputeCacheKey(LayerCompression.Gzip, Timestamp);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (key is not null && _cache.TryGet(key, out var known) && await blobs.GetSizeAsync(known.Descriptor.Digest, cancellationToken) == known.Descriptor.Size)
            {
                return (known, false);
            }

            var temp = Path.Combine(Path.GetTempPath(), $"wharf-runtime-{Guid.NewGuid():N}.tmp");
            try
            {
                await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                var result = await layer.WriteAsync(file, LayerCompression.Gzip, Timestamp, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Position = 0;
                await blobs.WriteAsync(file, result.Descriptor.Digest, cancellationToken);
                if (key is not null)
                {
                    _cache.Set(key, result);
                }

                return (result, true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
