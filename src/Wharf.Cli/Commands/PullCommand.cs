using System.CommandLine;
using Wharf.Client;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf pull &lt;registry-ref&gt; &lt;oci-layout&gt;[:&lt;ref-name&gt;] [--platform os/arch]</c>: an image into an OCI image
/// layout (created when missing). From an index, the platform's image (default linux/amd64) is pulled and named in the
/// layout. Every blob is verified against its digest while it streams to disk; the layout's index.json changes only
/// after every blob is in, so a failed pull leaves it as it was (and removes a layout it created).
/// </summary>
internal static class PullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var sourceArgument = new Argument<string>("registry-ref") { Description = "What to pull: host[:port]/repository[:tag|@digest]" };
        var layoutArgument = new Argument<string>("oci-layout") { Description = "The OCI image layout directory, with ':<ref-name>' to name the image (default: the tag)" };
        var platformOption = new Option<string?>("--platform") { Description = "The platform to pick from an index, os/arch[/variant] (default linux/amd64)" };
        var command = new Command("pull", "Pull an image from a registry into an OCI image layout") { sourceArgument, layoutArgument, platformOption };
        ImageCall.AddOptions(command);
        command.SetAction((parse, cancellationToken) => ImageCall.RunAsync(parse, stderr, async context =>
        {
            var source = ImageCall.ParseReference(parse.GetValue(sourceArgument)!, "registry-ref");
            var location = LayoutLocation.Parse(parse.GetValue(layoutArgument)!);
            var platform = ImageCall.ParsePlatform(parse.GetValue(platformOption));
            var refName = location.RefName ?? source.Tag ?? (source.Digest is null ? ImageReference.DefaultTag : null);
            var created = !Directory.Exists(location.Directory);
            if (!created && Directory.EnumerateFileSystemEntries(location.Directory).Any() && !File.Exists(Path.Combine(location.Directory, "oci-layout")))
            {
                throw new ImageCommandException($"'{location.Directory}' is neither empty nor an OCI image layout (it has no oci-layout file)");
            }

            var progress = ImageProgress.Create(stderr, context.Format);
            PulledImage pulled;
            OciImageLayout layout;
            try
            {
                layout = await OciImageLayout.CreateAsync(location.Directory, cancellationToken);
                pulled = await progress.RunAsync(async () =>
                {
                    try
                    {
                        return await context.Client.PullAsync(
                            source,
                            async (blob, stream, token) => await layout.WriteBlobAsync(stream, blob.Digest, blob.Size, token),
                            platform,
                            progress,
                            cancellationToken);
                    }
                    catch (InvalidOperationException ex) when (ex.Message.StartsWith("the index has no manifest", StringComparison.Ordinal))
                    {
                        throw new ImageCommandException($"{source}: {ex.Message}");
                    }
                });

                await layout.WriteManifestAsync(pulled.Manifest.Content, pulled.Manifest.MediaType, refName, cancellationToken);
            }
            catch when (created)
            {
                // Nothing of a failed pull stays behind in a layout this pull created.
                Directory.Delete(location.Directory, recursive: true);
                throw;
            }

            var manifest = pulled.Manifest;
            var text = pulled.Index is { } index
                ? $"Pulled {source} ({platform.Os}/{platform.Architecture} of index {index.Digest}) as {manifest.Digest} into {layout.RootPath}{(refName is null ? string.Empty : ":" + refName)} ({ByteSize.Format(progress.BytesTransferred)} downloaded)."
                : $"Pulled {source} as {manifest.Digest} into {layout.RootPath}{(refName is null ? string.Empty : ":" + refName)} ({ByteSize.Format(progress.BytesTransferred)} downloaded).";
            if (context.Format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(ImageJson.Write(source.ToString(), manifest.Digest.ToString(), manifest.MediaType, progress.BytesTransferred, progress.Blobs, w =>
                {
                    w.WriteString("layout", layout.RootPath);
                    if (refName is null)
                    {
                        w.WriteNull("refName");
                    }
                    else
                    {
                        w.WriteString("refName", refName);
                    }

                    w.WriteString("platform", $"{platform.Os}/{platform.Architecture}");
                    if (pulled.Index is { } pulledIndex)
                    {
                        w.WriteString("index", pulledIndex.Digest.ToString());
                    }
                }));
                await stderr.WriteLineAsync(text);
            }
            else
            {
                await stdout.WriteLineAsync(text);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
