using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Registry;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf registry tags &lt;repository&gt;</c>: a repository's tags and the manifest each points at.</summary>
internal static class RegistryTagsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var repositoryArgument = new Argument<string>("repository") { Description = "The repository, <project>/<name>" };
        var limit = RegistryPaging.LimitOption("tags");
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Show whole digests" };
        var command = new Command("tags", "List a repository's tags, in lexical order") { repositoryArgument, limit, noTrunc };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var repository = parse.GetValue(repositoryArgument)!;
            var (tags, next) = await RegistryPaging.ReadAllAsync<TagSummary>(
                async (last, count) =>
                {
                    var page = await client.ListTagsAsync(repository, last, count, cancellationToken);
                    return (page.Items, page.Next);
                },
                parse.GetValue(limit));

            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new TagPage(repository, tags, next), CliJson.Context.TagPage));
                return ExitCodes.Success;
            }

            if (tags.Count == 0)
            {
                await stdout.WriteLineAsync($"No tags in {repository}.");
                return ExitCodes.Success;
            }

            var whole = parse.GetValue(noTrunc);
            var table = new RegistryTable("TAG", "DIGEST", "TYPE", "SIZE", "UPDATED").AlignRight(3);
            foreach (var tag in tags)
            {
                table.Add(
                    tag.Name,
                    whole ? tag.Digest : RegistryText.ShortDigest(tag.Digest),
                    RegistryText.Kind(tag.MediaType, tag.ArtifactType),
                    ByteSize.Format(tag.Size),
                    RegistryText.Time(tag.UpdatedAt));
            }

            await table.WriteAsync(stdout);
            if (next is not null)
            {
                await stderr.WriteLineAsync($"wharf: more tags follow {next}; raise --limit to see them");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
