using System.CommandLine;
using System.Globalization;
using Wharf.Client;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf build &lt;project&gt;/&lt;model&gt;@&lt;version|alias&gt; --base &lt;ref&gt; -t &lt;registry-ref&gt;</c>: the model's serving
/// image, without a container daemon. On top of the base (a registry reference or <c>oci:&lt;dir&gt;[:ref]</c>, an index
/// picking linux/amd64) come two kinds of layers: the serving runtime (a self-contained publish of Wharf.Serving, one
/// gzip layer at <c>/opt/wharf-serve</c>, the same for every model image, not re-tarred while its files are unchanged),
/// then the model files at <c>/model/&lt;path&gt;</c>: a version stored as tar layers has them appended verbatim and, on
/// the same registry, mounted rather than uploaded; an older version stored as raw files has each wrapped into a tar
/// (a copy). The image is reproducible (same inputs, same digest; time from SOURCE_DATE_EPOCH or fixed), and a rebuild
/// writes only what the target lacks.
/// </summary>
internal static class BuildCommand
{
    public const string RuntimeEnvironmentVariable = "WHARF_SERVE_RUNTIME";
    public const string RuntimeDirectoryName = "wharf-serve";
    public const string RuntimePath = "/opt/wharf-serve";
    public const int Port = 8000;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var modelArgument = new Argument<string>("model") { Description = "'<project>/<model>@<version|alias>', e.g. ml/iris@3 or ml/iris@production" };
        var baseOption = new Option<string>("--base") { Description = "The base image: host[:port]/repository[:tag|@digest], or oci:<dir>[:ref]", Required = true };
        var tagOption = new Option<string?>("--tag", "-t") { Description = "Where the image goes: host[:port]/repository[:tag]" };
        var runtimeOption = new Option<string?>("--runtime") { Description = $"The serving runtime directory (default: ${RuntimeEnvironmentVariable}, else '{RuntimeDirectoryName}' next to wharf)" };
        var outputOption = new Option<string?>("--output") { Description = "Write the image into an OCI image layout instead: oci:<dir>[:ref]" };
        var cacheOption = new Option<string?>("--layer-cache") { Description = "The layer cache file (default $XDG_CACHE_HOME/wharf/layers.json)", Hidden = true };
        var command = new Command("build", "Build a model's serving image (no container daemon needed) and push it")
        {
            modelArgument, baseOption, tagOption, runtimeOption, outputOption, cacheOption,
        };
        ImageCall.AddOptions(command);
        command.SetAction((parse, cancellationToken) => ImageCall.RunAsync(parse, stderr, async context =>
        {
            var (project, model, modelReference) = ModelArtifact.ParseReference(parse.GetValue(modelArgument)!, context.WharfRegistry);
            var output = parse.GetValue(outputOption);
            if (output is not null && !LayoutLocation.HasPrefix(output))
            {
                throw new ArgumentException($"--output '{output}' must be oci:<dir>[:ref]");
            }

            var target = parse.GetValue(tagOption) is { } tag ? ImageCall.ParseReference(tag, "--tag") : null;
            if (target is null && output is null)
            {
                throw new ArgumentException("say where the image goes: -t host[:port]/repository[:tag], or --output oci:<dir>[:ref]");
            }

            if (target?.Digest is not null)
            {
                throw new ArgumentException("--tag takes a tag, not a digest (the digest is the build's result)");
            }

            var runtime = ResolveRuntime(parse.GetValue(runtimeOption));
            var progress = ImageProgress.Create(stderr, context.Format);

            var artifact = await ModelArtifact.ReadAsync(context.Client, project, model, modelReference, cancellationToken);
            var onnx = artifact.Files.FirstOrDefault(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                ?? throw new ImageCommandException($"{artifact.Reference} has no .onnx file; wharf-serve serves ONNX models (files: {string.Join(", ", artifact.Files.Select(f => f.Path))})");

            var cachePath = parse.GetValue(cacheOption) ?? LayerCacheFile.DefaultPath();
            var cache = await LayerCacheFile.LoadAsync(cachePath, cancellationToken);
            var created = SourceDateEpoch.Resolve();
            var builder = new ImageBuilder(new ImageBuilderOptions { LayerCache = cache, Created = created });

            var baseText = parse.GetValue(baseOption)!;
            var mountFrom = new List<string>();
            if (context.IsWharf(artifact.Reference))
            {
                mountFrom.Add(artifact.Repository);
            }

            if (LayoutLocation.HasPrefix(baseText))
            {
                var location = LayoutLocation.Parse(baseText);
                var layout = await OciImageLayout.OpenAsync(location.Directory, cancellationToken);
                var reference = location.RefName ?? (await layout.ResolveAsync(null, cancellationToken)).Digest.ToString();
                builder.FromBase(new OciLayoutImageSource(layout), reference);
            }
            else
            {
                var baseReference = ImageCall.ParseReference(baseText, "--base");
                builder.FromBase(new RegistryImageSource(context.Client, baseReference), baseReference.Reference);
                if (target is not null && string.Equals(baseReference.Registry, target.Registry, StringComparison.OrdinalIgnoreCase))
                {
                    mountFrom.Add(baseReference.Repository);
                }
            }

            var runtimeLayer = new DeterministicLayer().AddDirectoryTree(runtime, RuntimePath);
            var runtimeKey = runtimeLayer.ComputeCacheKey(LayerCompression.Gzip, created);
            builder.AddLayer(runtimeLayer, $"wharf: serving runtime {RuntimePath}");
            if (runtimeKey is not null && cache.TryGet(runtimeKey, out var known))
            {
                progress.Name(known.Descriptor.Digest, $"runtime {RuntimePath}");
            }

            progress.Note($"Runtime {runtime} -> {RuntimePath}");

            var modelSource = new RegistryImageSource(context.Client, artifact.Reference);
            foreach (var file in artifact.Files)
            {
                if (file.Verbatim)
                {
                    var layer = new Descriptor(MediaTypes.OciLayerTar, file.Layer.Digest, file.Layer.Size);
                    progress.Name(layer.Digest, $"model/{file.Path}");
                    builder.AddExistingLayer(layer, layer.Digest, modelSource, $"wharf: model file /model/{file.Path}");
                }
                else
                {
                    // The old format: the raw file, wrapped into a tar here (its bytes are read and copied).
                    progress.Note($"Model file {file.Path} is stored as a raw file: copying it into a tar layer");
                    var raw = file.Layer;
                    var wrapped = new DeterministicLayer().AddFileUnder("/model", file.Path, raw.Size, token => modelSource.OpenBlobAsync(raw, token));
                    builder.AddLayer(wrapped, $"wharf: model file /model/{file.Path} (copied)", LayerCompression.None);
                }
            }

            var version = artifact.Version?.ToString(CultureInfo.InvariantCulture) ?? artifact.Reference.Tag!;
            builder.Entrypoint = [$"{RuntimePath}/wharf-serve"];
            builder.Cmd = ["--urls", $"http://0.0.0.0:{Port}", "--Serving:Models:0:Name", model, "--Serving:Models:0:Path", $"/model/{onnx.Path}"];
            builder.ExposedPorts.Add($"{Port}/tcp");
            builder.Labels["org.opencontainers.image.title"] = model;
            builder.Labels["org.opencontainers.image.version"] = artifact.Version is { } n ? $"v{n}" : version;
            builder.Labels["org.opencontainers.image.created"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            builder.Labels["wharf.model.name"] = model;
            builder.Labels["wharf.model.project"] = project;
            builder.Labels["wharf.model.version"] = version;
            builder.Labels["wharf.model.digest"] = artifact.Manifest.Digest.ToString();
            if (artifact.RunId is { } run)
            {
                builder.Labels["wharf.model.run"] = run;
            }

            IImageSink sink;
            string refName;
            string shown;
            if (output is not null)
            {
                var location = LayoutLocation.Parse(output);
                var layout = await OciImageLayout.CreateAsync(location.Directory, cancellationToken);
                refName = location.RefName ?? target?.Tag ?? ImageReference.DefaultTag;
                sink = new ReportingLayoutSink(new OciLayoutImageSink(layout), progress);
                shown = $"{layout.RootPath}:{refName}";
            }
            else
            {
                refName = target!.Tag ?? ImageReference.DefaultTag;
                sink = new RegistryImageSink(context.Client, target, mountFrom, progress);
                shown = $"{target.Registry}/{target.Repository}:{refName}";
            }

            var result = await progress.RunAsync(() => builder.BuildAsync(sink, refName, cancellationToken));
            if (runtimeKey is not null)
            {
                await LayerCacheFile.SaveAsync(cachePath, cache, [runtimeKey], cancellationToken);
            }

            var uploaded = result.BytesWritten;
            var text = $"Built {shown}@{result.Manifest.Digest} from {project}/{model} v{version} ({result.Layers.Count} layers, {ByteSize.Format(result.ImageSize)}; {ByteSize.Format(uploaded)} written).";
            if (context.Format == OutputFormat.Json)
            {
                var blobs = progress.Blobs.Where(b => b.Descriptor.Digest != result.Manifest.Digest);
                await stdout.WriteLineAsync(ImageJson.Write(shown, result.Manifest.Digest.ToString(), result.Manifest.MediaType, uploaded, blobs, w =>
                {
                    w.WriteNumber("bytesUploaded", uploaded);
                    w.WriteNumber("configBytes", result.Config.Size);
                    w.WriteNumber("manifestBytes", result.ManifestBytes);
                    w.WriteString("model", artifact.Reference.ToString());
                    w.WriteString("modelDigest", artifact.Manifest.Digest.ToString());
                    w.WriteStartArray("layers");
                    foreach (var layer in result.Layers)
                    {
                        w.WriteStartObject();
                        w.WriteString("digest", layer.Descriptor.Digest.ToString());
                        w.WriteString("mediaType", layer.Descriptor.MediaType);
                        w.WriteNumber("size", layer.Descriptor.Size);
                        w.WriteString("origin", layer.Origin.ToString().ToLowerInvariant());
                        w.WriteString("state", StateOf(progress, layer));
                        w.WriteNumber("bytes", layer.BytesWritten);
                        w.WriteBoolean("fromCache", layer.FromCache);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await stdout.WriteLineAsync(text);
                await stdout.WriteLineAsync(result.Manifest.Digest.ToString());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string StateOf(ImageProgress progress, BuiltLayer layer)
        => progress.Blobs.LastOrDefault(b => b.Descriptor.Digest == layer.Descriptor.Digest) is { } blob
            ? ImageProgress.Text(blob.State)
            : layer.Written ? "done" : "skipped";

    /// <summary>The runtime directory: the option, else $WHARF_SERVE_RUNTIME, else 'wharf-serve' next to this program; it must hold wharf-serve.</summary>
    private static string ResolveRuntime(string? given)
    {
        var directory = given
            ?? (Environment.GetEnvironmentVariable(RuntimeEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null)
            ?? Path.Combine(AppContext.BaseDirectory, RuntimeDirectoryName);
        if (!File.Exists(Path.Combine(directory, "wharf-serve")))
        {
            throw new ImageCommandException(
                $"the serving runtime '{directory}' has no wharf-serve executable: publish src/Wharf.Serving self-contained for linux-x64 there "
                + $"(dotnet publish src/Wharf.Serving -r linux-x64 --self-contained -o {directory}), or point --runtime / ${RuntimeEnvironmentVariable} at one");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path.Combine(directory, "wharf-serve")) & UnixFileMode.UserExecute) == 0)
        {
            throw new ImageCommandException($"'{Path.Combine(directory, "wharf-serve")}' is not executable, so the image could not start it");
        }

        return directory;
    }
}
