using System.Security.Cryptography;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Interop.Tests.Images;

/// <summary>
/// How a model image is put together, with the library only: the base, the serving runtime as one gzip layer at
/// /opt/wharf-serve (shared by every model image), the model as an uncompressed tar layer at /model/model.onnx (the
/// way model versions store it), wharf-serve as the entrypoint pointed at the model, a non-root user and labels.
/// </summary>
internal static class IrisImage
{
    public const string ModelName = "iris";

    public const int Port = 8000;

    public const string ModelPath = "/model/model.onnx";

    public const string RuntimeDirectory = "/opt/wharf-serve";

    /// <summary>The arguments after the entrypoint: serve the model on <paramref name="port"/>, on every address unless told.</summary>
    public static string[] ServeArguments(string host = "0.0.0.0", int port = Port)
        => ["--urls", $"http://{host}:{port}", "--Serving:Models:0:Name", ModelName, "--Serving:Models:0:Path", ModelPath];

    /// <summary>Builds the image into <paramref name="output"/> as <paramref name="tag"/>.</summary>
    /// <param name="baseLayout">The layout holding <see cref="MinimalBaseImage.Reference"/>.</param>
    /// <param name="runtime">The published self-contained wharf-serve.</param>
    /// <param name="modelFile">The ONNX file.</param>
    /// <param name="version">The model version, for the labels.</param>
    /// <param name="output">Where the image is written.</param>
    /// <param name="tag">Its reference name there.</param>
    /// <param name="cache">Layers from unchanged files are not rebuilt when the cache and the output know them.</param>
    public static async Task<BuildResult> BuildAsync(
        OciImageLayout baseLayout, string runtime, string modelFile, int version, OciImageLayout output, string tag, LayerCache? cache = null)
    {
        var builder = new ImageBuilder(new ImageBuilderOptions { LayerCache = cache });
        builder.FromBase(new OciLayoutImageSource(baseLayout), MinimalBaseImage.Reference);
        builder.AddLayer(new DeterministicLayer().AddDirectoryTree(runtime, RuntimeDirectory), $"wharf: serving runtime {RuntimeDirectory}");
        builder.AddLayer(new DeterministicLayer().AddFile(ModelPath, modelFile, executable: false), $"wharf: model {ModelName} v{version}", LayerCompression.None);
        builder.Entrypoint = [$"{RuntimeDirectory}/wharf-serve"];
        builder.Cmd = ServeArguments();
        builder.ExposedPorts.Add($"{Port}/tcp");
        builder.User = MinimalBaseImage.UserName;
        builder.Labels["wharf.model.name"] = ModelName;
        builder.Labels["wharf.model.version"] = $"{version}";
        await using (var model = File.OpenRead(modelFile))
        {
            builder.Labels["wharf.model.digest"] = $"sha256:{Convert.ToHexStringLower(await SHA256.HashDataAsync(model))}";
        }

        builder.Labels["org.opencontainers.image.title"] = $"{ModelName} v{version}";
        return await builder.BuildAsync(new OciLayoutImageSink(output), tag);
    }

    /// <summary>Pushes the layout's <paramref name="tag"/> to <paramref name="target"/>, streaming blobs from the layout.</summary>
    public static async Task<Digest> PushAsync(
        RegistryClient client, OciImageLayout layout, string tag, ImageReference target, IProgress<TransferProgress>? progress = null)
    {
        var content = await layout.ReadManifestAsync(await layout.ResolveAsync(tag));
        return await client.PushAsync(
            target,
            content.Content,
            content.Descriptor.MediaType,
            [.. content.Manifest.Blobs],
            async (blob, ct) => await layout.OpenBlobAsync(blob.Digest, blob.Size, ct),
            progress: progress);
    }
}
