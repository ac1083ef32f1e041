using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Registry;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf registry ls</c>: every repository with its project, counts and creation time.</summary>
internal static class RegistryListCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var limit = RegistryPaging.LimitOption("repositories");
        var command = new Command("ls", "List repositories, in name order") { limit };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var (repositories, next) = await RegistryPaging.ReadAllAsync<RepositorySummary>(
                async (last, count) =>
                {
                    var page = await client.ListRepositoriesAsync(last, count, cancellationToken);
                    return (page.Items, page.Next);
                },
                parse.GetValue(limit));

            if (format == OutputFormat.Json)
            {
                // The API's page shape, so "next" tells a script that --limit cut the listing short.
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new RepositoryPage(repositories, next), CliJson.Context.RepositoryPage));
                return ExitCodes.Success;
            }

            if (repositories.Count == 0)
            {
                await stdout.WriteLineAsync("No repositories.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("NAME", "PROJECT", "TAGS", "MANIFESTS", "CREATED").AlignRight(2, 3);
            foreach (var repository in repositories)
            {
                table.Add(repository.Name, repository.Project, RegistryText.Number(repository.Tags), RegistryText.Number(repository.Manifests), RegistryText.Time(repository.CreatedAt));
            }

            await table.WriteAsync(stdout);
            if (next is not null)
            {
                await stderr.WriteLineAsync($"wharf: more repositories follow {next}; raise --limit to see them");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
