using System.CommandLine;
using Wharf.Client;
using Wharf.Oci;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf push &lt;oci-layout&gt;[:&lt;ref-name&gt;] &lt;registry-ref&gt;</c>: an image or index from an OCI image layout to a
/// registry. Blobs the registry has are skipped, the others uploaded in parallel (chunked, resumed after a dropped
/// connection); each image's manifest goes up after its blobs, and an index after all its images, so the tag never
/// names something incomplete.
/// </summary>
internal static class PushCommand
{
    private const int MaxIndexDepth = 4;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var layoutArgument = new Argument<string>("oci-layout") { Description = "The OCI image layout directory, with ':<ref-name>' when it holds several images" };
        var targetArgument = new Argument<string>("registry-ref") { Description = "Where to push: host[:port]/repository[:tag]" };
        var command = new Command("push", "Push an image (or index) from an OCI image layout to a registry") { layoutArgument, targetArgument };
        ImageCall.AddOptions(command);
        command.SetAction((parse, cancellationToken) => ImageCall.RunAsync(parse, stderr, async context =>
        {
            var location = LayoutLocation.Parse(parse.GetValue(layoutArgument)!);
            var target = ImageCall.ParseReference(parse.GetValue(targetArgument)!, "registry-ref");
            if (target.Digest is not null)
            {
                throw new ArgumentException("push to a tag (host/repository:tag); the digest is the content's own");
            }

            var layout = await OciImageLayout.OpenAsync(location.Directory, cancellationToken);
            var root = await layout.ResolveAsync(location.RefName, cancellationToken);
            var progress = ImageProgress.Create(stderr, context.Format);
            long manifestBytes = 0;
            var pushed = await progress.RunAsync(async () =>
            {
                var digest = await PushManifestAsync(context.Client, layout, root, target, progress, 0, b => Interlocked.Add(ref manifestBytes, b), cancellationToken);
                return digest;
            });

            var total = progress.BytesTransferred + manifestBytes;
            var reference = $"{target.Registry}/{target.Repository}:{target.Reference}";
            var text = $"Pushed {location} to {reference}@{pushed} ({ByteSize.Format(total)} uploaded).";
            if (context.Format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(ImageJson.Write(reference, pushed.ToString(), root.MediaType, total, progress.Blobs));
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

    /// <summary>Pushes one manifest: an index's children first (by digest), an image's blobs first, itself last.</summary>
    private static async Task<Digest> PushManifestAsync(
        RegistryClient client, OciImageLayout layout, Descriptor descriptor, ImageReference target, ImageProgress progress, int depth,
        Action<long> manifestPushed, CancellationToken cancellationToken)
    {
        var content = await layout.ReadManifestAsync(descriptor, cancellationToken);
        var manifest = content.Manifest;
        if (manifest.IsIndex)
        {
            if (depth == MaxIndexDepth)
            {
                throw new ImageCommandException($"index {descriptor.Digest} nests indexes more than {MaxIndexDepth} deep");
            }

            foreach (var child in manifest.Manifests)
            {
                await PushManifestAsync(client, layout, child, target.WithDigest(child.Digest), progress, depth + 1, manifestPushed, cancellationToken);
            }

            var digest = await client.PutManifestAsync(target, content.Content, manifest.MediaType, cancellationToken);
            manifestPushed(content.Content.Length);
            return digest;
        }

        if (manifest.Config is { } config)
        {
            progress.Name(config.Digest, $"config {RegistryText.ShortDigest(config.Digest.ToString())}");
        }

        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i];
            var title = layer.Annotations?.GetValueOrDefault("org.opencontainers.image.title");
            progress.Name(layer.Digest, $"layer {i + 1}/{manifest.Layers.Count} {title ?? RegistryText.ShortDigest(layer.Digest.ToString())}");
        }

        var missing = manifest.Blobs.Where(b => !b.IsForeign && !layout.HasBlob(b.Digest)).Select(b => b.Digest.ToString()).ToList();
        if (missing.Count > 0)
        {
            throw new ImageCommandException($"layout '{layout.RootPath}' lacks blobs of {descriptor.Digest}: {string.Join(", ", missing)}");
        }

        var pushed = await client.PushAsync(
            target,
            content.Content,
            manifest.MediaType,
            [.. manifest.Blobs],
            async (blob, token) => await layout.OpenBlobAsync(blob.Digest, blob.Size, token),
            progress: progress,
            cancellationToken: cancellationToken);
        manifestPushed(content.Content.Length);
        return pushed;
    }
}
