using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Server.Data;
using Wharf.Server.Models;
using Wharf.Server.Registry;
using Wharf.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Tests.Images;

/// <summary>Test data for platform-built images: a tiny base pushed into the registry, a fake runtime, a tar-format model version.</summary>
internal static class ModelImageTestData
{
    /// <summary>A fake serving runtime: a few files including an executable <c>wharf-serve</c>.</summary>
    public static void WriteFakeRuntime(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "lib"));
        File.WriteAllText(Path.Combine(directory, "wharf-serve"), "#!/bin/sh\necho fake wharf-serve\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(directory, "wharf-serve"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllBytes(Path.Combine(directory, "lib", "libfake.so"), [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3]);
        File.WriteAllText(Path.Combine(directory, "wharf-serve.runtimeconfig.json"), "{}");
    }

    /// <summary>Pushes a one-layer image (layer + config + manifest) as <paramref name="repository"/>:<paramref name="tag"/>, inside the server.</summary>
    public static async Task<Digest> PushBaseAsync(IServiceProvider services, string repository, string tag)
    {
        await using var scope = services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryStore>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        Assert.True(RepositoryName.TryParse(repository, out var name, out _));
        var repo = await registry.EnsureRepositoryAsync(name);

        using var layerBytes = new MemoryStream();
        var layer = await new DeterministicLayer()
            .AddFile("etc/os-release", 12, _ => Task.FromResult<Stream>(new MemoryStream("ID=wharftest\n"u8.ToArray()[..12])))
            .WriteAsync(layerBytes, LayerCompression.Gzip, DateTimeOffset.UnixEpoch);
        layerBytes.Position = 0;
        await blobs.WriteAsync(layerBytes, layer.Descriptor.Digest);
        await registry.RecordBlobAsync(repo.Id, layer.Descriptor.Digest, layer.Descriptor.Size);

        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["{{{layer.DiffId}}}"]}}""");
        var configWritten = await blobs.WriteAsync(new MemoryStream(config));
        await registry.RecordBlobAsync(repo.Id, configWritten.Digest, configWritten.Size);

        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","config":{"mediaType":"{{{MediaTypes.OciConfig}}}","digest":"{{{configWritten.Digest}}}","size":{{{configWritten.Size}}}},"layers":[{"mediaType":"{{{layer.Descriptor.MediaType}}}","digest":"{{{layer.Descriptor.Digest}}}","size":{{{layer.Descriptor.Size}}}}]}""");
        var parsed = ManifestParser.TryParse(manifest, MediaTypes.OciManifest, out var error) ?? throw new InvalidOperationException(error);
        var digest = Digest.Sha256(manifest);
        Assert.Empty(await registry.PutManifestAsync(repo, digest, manifest, parsed, tag));
        return digest;
    }

    /// <summary>
    /// Rewrites a READY version into the new model format: one uncompressed tar layer per file holding
    /// <c>model/&lt;path&gt;</c> (title annotation = the path), pushed as its manifest and tagged v&lt;N&gt;. Returns the
    /// layer digests by title.
    /// </summary>
    public static async Task<Dictionary<string, Digest>> RewriteAsTarLayersAsync(IServiceProvider services, string project, string model, int number)
    {
        await using var scope = services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryStore>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var (version, repository, old) = await FindVersionManifestAsync(db, registry, project, model, number);

        var layers = new List<string>();
        var byTitle = new Dictionary<string, Digest>(StringComparer.Ordinal);
        foreach (var raw in old.Layers)
        {
            var title = raw.Annotations![ModelStore.TitleAnnotation];
            if (raw.MediaType == MediaTypes.OciLayerTar)
            {
                // Already the new format (registration writes it since the model-layers change): kept as is.
                byTitle[title] = raw.Digest;
                layers.Add(Layer(raw.Digest, raw.Size, MediaTypes.OciLayerTar, title, raw.Annotations![FileDigest], raw.Annotations![FileSize]));
                continue;
            }

            using var tar = new MemoryStream();
            var written = await new DeterministicLayer()
                .AddFileUnder("model", title, raw.Size, async ct => (await blobs.OpenReadAsync(raw.Digest, ct))!)
                .WriteAsync(tar, LayerCompression.None, DateTimeOffset.UnixEpoch);
            tar.Position = 0;
            await blobs.WriteAsync(tar, written.Descriptor.Digest);
            await registry.RecordBlobAsync(repository.Id, written.Descriptor.Digest, written.Descriptor.Size);
            byTitle[title] = written.Descriptor.Digest;
            layers.Add(Layer(written.Descriptor.Digest, written.Descriptor.Size, MediaTypes.OciLayerTar, title, raw.Digest.ToString(), raw.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await PushVersionManifestAsync(db, registry, repository, version, old, layers);
        return byTitle;
    }

    // The version's row, its model repository and its current manifest.
    private static async Task<(ModelVersion Version, RegistryRepository Repository, Manifest Manifest)> FindVersionManifestAsync(
        WharfDbContext db, RegistryStore registry, string project, string model, int number)
    {
        var version = await (from v in db.ModelVersions join m in db.RegisteredModels on v.ModelId equals m.Id
                             join p in db.Projects on m.ProjectId equals p.Id
                             where p.Name == project && m.Name == model && v.Version == number select v).SingleAsync();
        var repository = (await registry.FindRepositoryAsync($"{project}/models/{model}"))!;
        var head = (await registry.FindManifestHeadAsync(repository.Name, version.ManifestDigest!, isDigest: true))!;
        return (version, repository, ManifestParser.TryParse((await registry.FindManifestContentAsync(head.Id))!, head.MediaType, out _)!);
    }

    /// <summary>
    /// Rewrites a READY version into the old model format: one raw file layer (<c>application/octet-stream</c>, title =
    /// path) per file, from the new format's file digest annotations. Returns the raw layer digests by title.
    /// </summary>
    public static async Task<Dictionary<string, Digest>> RewriteAsRawFilesAsync(IServiceProvider services, string project, string model, int number)
    {
        await RewriteAsTarLayersAsync(services, project, model, number);
        await using var scope = services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryStore>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var (version, repository, tars) = await FindVersionManifestAsync(db, registry, project, model, number);
        var layers = new List<string>();
        var byTitle = new Dictionary<string, Digest>(StringComparer.Ordinal);
        foreach (var tar in tars.Layers)
        {
            var title = tar.Annotations![ModelStore.TitleAnnotation];
            var digest = Digest.Parse(tar.Annotations![FileDigest]);
            var size = long.Parse(tar.Annotations![FileSize], System.Globalization.CultureInfo.InvariantCulture);
            await registry.RecordBlobAsync(repository.Id, digest, size);
            byTitle[title] = digest;
            layers.Add($$$"""{"mediaType":"application/octet-stream","digest":"{{{digest}}}","size":{{{size}}},"annotations":{"{{{ModelStore.TitleAnnotation}}}":"{{{title}}}"}}""");
        }

        await PushVersionManifestAsync(db, registry, repository, version, tars, layers);
        return byTitle;
    }

    private const string FileDigest = "vnd.wharf.model.file.digest";
    private const string FileSize = "vnd.wharf.model.file.size";

    private static string Layer(Digest digest, long size, string mediaType, string title, string fileDigest, string fileSize)
        => $$$"""{"mediaType":"{{{mediaType}}}","digest":"{{{digest}}}","size":{{{size}}},"annotations":{"{{{ModelStore.TitleAnnotation}}}":"{{{title}}}","{{{FileDigest}}}":"{{{fileDigest}}}","{{{FileSize}}}":"{{{fileSize}}}"}}""";

    private static async Task PushVersionManifestAsync(
        WharfDbContext db, RegistryStore registry, RegistryRepository repository, ModelVersion version, Manifest old, List<string> layers)
    {
        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","artifactType":"{{{ModelStore.ArtifactType}}}","config":{"mediaType":"{{{old.Config!.MediaType}}}","digest":"{{{old.Config.Digest}}}","size":{{{old.Config.Size}}}},"layers":[{{{string.Join(",", layers)}}}]}""");
        var parsed = ManifestParser.TryParse(manifest, MediaTypes.OciManifest, out var error) ?? throw new InvalidOperationException(error);
        var digest = Digest.Sha256(manifest);
        Assert.Empty(await registry.PutManifestAsync(repository, digest, manifest, parsed, $"v{version.Version}"));
        version.ManifestDigest = digest.ToString();
        await db.SaveChangesAsync();
    }
}
