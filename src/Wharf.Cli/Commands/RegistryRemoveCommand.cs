using System.CommandLine;
using System.Text.Json;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf registry rm &lt;reference&gt;</c>: deletes a tag, or a manifest with every tag on it.</summary>
internal static class RegistryRemoveCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var referenceArgument = new Argument<string>("reference")
        {
            Description = "<project>/<name>:<tag> deletes the tag only; <project>/<name>@<digest> deletes the manifest and its tags",
        };
        var command = new Command("rm", "Delete a tag or a manifest (garbage collection reclaims the space later)") { referenceArgument };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!RegistryReference.TryParse(parse.GetValue(referenceArgument)!, out var error, out var reference))
            {
                await stderr.WriteLineAsync($"wharf: {error}");
                return ExitCodes.Usage;
            }

            return await ServerCall.RunAsync(parse, stderr, async (client, format) =>
            {
                await client.DeleteReferenceAsync(reference.ToString(), cancellationToken);
                var kind = reference.Digest is null ? "tag" : "manifest";
                if (format == OutputFormat.Json)
                {
                    await stdout.WriteLineAsync(Json(reference, kind));
                }
                else
                {
                    await stdout.WriteLineAsync(reference.Digest is null
                        ? $"Deleted tag {reference}."
                        : $"Deleted manifest {reference} and the tags that pointed at it.");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static string Json(RegistryReference reference, string kind)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("deleted", reference.ToString());
            json.WriteString("kind", kind);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
