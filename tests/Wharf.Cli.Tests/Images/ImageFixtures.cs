using System.Text;
using System.Text.Json;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Tests.Images;

/// <summary>
/// Content for the image verbs' tests: model version artifacts in the shape the server makes them (pushed with
/// <see cref="RegistryClient"/> as the administrator), small base images in OCI layouts, and a fake serving runtime.
/// </summary>
internal static class ImageFixtures
{
    public const string ModelArtifactType = "application/vnd.wharf.model.v1";
    public const string ModelConfigType = "application/vnd.wharf.model.config.v1+json";
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public static RegistryClient Client(LocalServer server)
        => new(new RegistryClientOptions
        {
            Credentials = new StaticCredentialProvider(server.Address.Authority, RegistryCredentials.Basic("admin", server.AdminToken)),
            RetryDelay = TimeSpan.Zero,
        });

    public static string Registry(LocalServer server) => server.Address.Authority;

    /// <summary>
    /// Pushes a model version artifact to <c>&lt;project&gt;/models/&lt;model&gt;:&lt;tag&gt;</c>: each file one layer with its path as
    /// title: an uncompressed tar holding <c>model/&lt;path&gt;</c> (the new format) or the raw bytes (<paramref name="raw"/>, the old).
    /// </summary>
    public static async Task<(Digest Manifest, IReadOnlyList<Descriptor> Layers)> PushModelAsync(
        LocalServer server, string project, string model, int version, string runId, bool raw, params (string Path, byte[] Content)[] files)
    {
        using var client = Client(server);
        var content = new Dictionary<Digest, byte[]>();
        var layers = new List<Descriptor>();
        foreach (var (path, bytes) in files)
        {
            byte[] blob;
            if (raw)
            {
                blob = bytes;
            }
            else
            {
                // A hostile title (what a tampering registry user could write) still gets a well-formed tar.
                using var tar = new MemoryStream();
                var entry = path.Split('/').Any(s => s is "" or "." or "..") ? "model/hostile" : "model/" + path;
                await new DeterministicLayer().AddFile(entry, bytes.Length, _ => Task.FromResult<Stream>(new MemoryStream(bytes)))
                    .WriteAsync(tar, LayerCompression.None, Epoch);
                blob = tar.ToArray();
            }

            var digest = Digest.Sha256(blob);
            content[digest] = blob;
            layers.Add(new Descriptor(raw ? "application/octet-stream" : MediaTypes.OciLayerTar, digest, blob.Length,
                Annotations: new Dictionary<string, string> { ["org.opencontainers.image.title"] = path }));
        }

        var config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["project"] = project, ["model"] = model, ["version"] = version, ["source_run_id"] = runId,
        }));
        var configDescriptor = new Descriptor(ModelConfigType, Digest.Sha256(config), config.Length);
        content[configDescriptor.Digest] = config;
        var manifest = ManifestBytes(configDescriptor, layers, ModelArtifactType, new Dictionary<string, string>
        {
            ["vnd.wharf.model.version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["vnd.wharf.model.run-id"] = runId,
        });
        var target = ImageReference.Parse($"{Registry(server)}/{project}/models/{model}:v{version}");
        var pushed = await client.PushAsync(target, manifest, MediaTypes.OciManifest, [configDescriptor, .. layers],
            (d, _) => ValueTask.FromResult<Stream>(new MemoryStream(content[d.Digest])));
        return (pushed, layers);
    }

    /// <summary>Puts a model-shaped manifest whose file names the test chooses (hostile ones) as version <paramref name="version"/>.</summary>
    public static Task<(Digest Manifest, IReadOnlyList<Descriptor> Layers)> PushModelAsync(LocalServer server, string project, string model, int version, params (string Path, byte[] Content)[] files)
        => PushModelAsync(server, project, model, version, "run-" + version, raw: false, files);

    /// <summary>A base image in a new OCI layout, built from scratch with one layer holding /etc/base.txt.</summary>
    public static async Task<(string Directory, Digest Manifest)> BaseLayoutAsync(string directory, string refName, string text = "base image\n")
    {
        var layout = await OciImageLayout.CreateAsync(directory);
        var bytes = Encoding.UTF8.GetBytes(text);
        var builder = new ImageBuilder(new ImageBuilderOptions { Created = Epoch })
            .AddLayer(new DeterministicLayer().AddFile("/etc/base.txt", bytes.Length, _ => Task.FromResult<Stream>(new MemoryStream(bytes))), "base");
        builder.Env["PATH"] = "/usr/bin:/bin";
        var result = await builder.BuildAsync(new OciLayoutImageSink(layout), refName);
        return (layout.RootPath, result.Manifest.Digest);
    }

    /// <summary>A fake serving runtime: an executable named wharf-serve and a library beside it.</summary>
    public static string Runtime(string directory, string version = "1")
    {
        Directory.CreateDirectory(directory);
        var serve = Path.Combine(directory, "wharf-serve");
        File.WriteAllText(serve, $"#!/bin/sh\necho wharf-serve {version}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(serve, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllBytes(Path.Combine(directory, "Wharf.Serving.dll"), Encoding.UTF8.GetBytes(new string('x', 20_000) + version));
        return directory;
    }

    public static byte[] ManifestBytes(Descriptor config, IEnumerable<Descriptor> layers, string? artifactType = null, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var root = new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Json(config),
            ["layers"] = layers.Select(Json).ToList(),
        };
        if (artifactType is not null)
        {
            root["artifactType"] = artifactType;
        }

        if (annotations is not null)
        {
            root["annotations"] = annotations;
        }

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    public static Dictionary<string, object> Json(Descriptor d)
    {
        var json = new Dictionary<string, object> { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size };
        if (d.Annotations is not null)
        {
            json["annotations"] = d.Annotations;
        }

        if (d.Platform is { } p)
        {
            json["platform"] = new Dictionary<string, string> { ["os"] = p.Os, ["architecture"] = p.Architecture };
        }

        return json;
    }
}
