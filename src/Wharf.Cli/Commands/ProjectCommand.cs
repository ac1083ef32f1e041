using System.CommandLine;
using System.Text.Json;
using Wharf.Client.Auth;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf project create|ls|members</c>: projects and who may do what in them.</summary>
internal static class ProjectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("project", "Create and list projects; manage their members")
    {
        CreateCommand(stdout, stderr),
        ListCommand(stdout, stderr),
        ProjectMembersCommand.Create(stdout, stderr),
        ProjectImageBuildsCommand.Create(stdout, stderr),
    };

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "Project name: lower-case letters and digits joined by '.', '_' or '-'" };
        var command = new Command("create", "Create a project; you become its owner") { name };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var project = await client.CreateProjectAsync(parse.GetValue(name)!, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(project, CliJson.Context.ProjectInfo));
            }
            else
            {
                await stdout.WriteLineAsync($"Created project {project.Name}; you are its owner.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("ls", "List the projects you are a member of (administrators see all)");
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var projects = await client.ListProjectsAsync(cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(projects, CliJson.Context.IReadOnlyListProjectInfo));
                return ExitCodes.Success;
            }

            if (projects.Count == 0)
            {
                await stdout.WriteLineAsync("No projects.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("NAME", "CREATED", "YOUR SCOPES");
            foreach (var project in projects)
            {
                table.Add(project.Name, RegistryText.Time(project.CreatedAt), ScopeText(project));
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string ScopeText(ProjectInfo project) => project.Scopes.Count == 0 ? "-" : string.Join(",", project.Scopes);
}
