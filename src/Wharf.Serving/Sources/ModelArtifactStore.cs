using Microsoft.Extensions.Options;
using Wharf.Oci;
using Wharf.Serving.Hosting;
using Wharf.Serving.Models;

namespace Wharf.Serving.Sources;

/// <summary>
/// The local cache of pulled models, one directory per manifest digest:
/// <code>
/// cache/
///   sha256-&lt;hex&gt;/          a manifest's files, complete and verified (e.g. model.onnx, tokenizer/vocab.txt)
///   .staging-&lt;guid&gt;/       a materialisation in progress
/// </code>
/// Layers are written into a staging directory and verified there; only a fully verified model is renamed to its
/// digest's name, so a digest directory always holds exactly what its manifest says, and a crash or a refused layer
/// leaves nothing a later load would trust. Two loads of the same digest at once both stage; the first rename wins.
/// Without <c>Serving:CacheDirectory</c> the cache is a fresh directory of this process (deleted at shutdown), so no
/// other user of a shared temp directory can plant a digest directory in it.
/// </summary>
internal sealed class ModelArtifactStore(IOptions<ServingOptions> options, TimeProvider timeProvider, ILogger<ModelArtifactStore> logger) : IDisposable
{
    private readonly Lock gate = new();
    private string? root;
    private bool ownsRoot;

    public string Root
    {
        get
        {
            lock (gate)
            {
                if (root is null)
                {
                    if (options.Value.CacheDirectory is { Length: > 0 } configured)
                    {
                        root = Path.GetFullPath(configured);
                        Directory.CreateDirectory(root);
                    }
                    else
                    {
                        root = Directory.CreateTempSubdirectory("wharf-serve-cache-").FullName;
                        ownsRoot = true;
                    }
                }

                return root;
            }
        }
    }

    /// <summary>Writes the manifest's layers (each opened by <paramref name="openLayer"/>) unless cached; returns the directory.</summary>
    public async Task<string> MaterializeAsync(
        string source, Digest manifestDigest, Manifest manifest, Func<Descriptor, CancellationToken, Task<Stream>> openLayer, CancellationToken cancellationToken)
    {
        if (manifest.IsIndex)
        {
            throw new ModelLoadException($"{manifestDigest} is an index, not a model manifest");
        }

        if (manifest.Layers.Count == 0)
        {
            throw new ModelLoadException($"manifest {manifestDigest} has no layers; a model artifact has one layer per model file");
        }

        var final = Path.Combine(Root, $"{manifestDigest.Algorithm}-{manifestDigest.Hex}");
        if (Directory.Exists(final))
        {
            Log.CacheHit(logger, source, manifestDigest.ToString(), final);
            return final;
        }

        var start = timeProvider.GetTimestamp();
        var staging = Path.Combine(Root, $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            long bytes = 0;
            foreach (var layer in manifest.Layers)
            {
                if (layer.IsForeign)
                {
                    throw new ModelLoadException($"layer {layer.Digest} is a foreign (non-distributable) layer; a model's layers are in its registry");
                }

                await using (var stream = await openLayer(layer, cancellationToken))
                {
                    await ModelLayerWriter.WriteAsync(layer, stream, staging, cancellationToken);
                }

                bytes += layer.Size;
            }

            try
            {
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another load of the same digest finished first; its directory is as good as ours.
            }

            Log.Materialized(logger, source, manifestDigest.ToString(), manifest.Layers.Count, bytes, final, timeProvider.GetElapsedTime(start).TotalMilliseconds);
            return final;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (ownsRoot && root is not null && Directory.Exists(root))
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort at shutdown; it is under the temp directory.
                }
            }
        }
    }
}
