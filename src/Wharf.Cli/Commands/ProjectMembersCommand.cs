using System.CommandLine;
using System.Text.Json;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf project members ls|add|rm</c>: a project's users and their roles.</summary>
internal static class ProjectMembersCommand
{
    private static readonly string[] Roles = ["viewer", "developer", "maintainer", "owner"];

    public static Command Create(TextWriter stdout, TextWriter stderr) => new("members", "List, add and remove a project's members")
    {
        ListCommand(stdout, stderr),
        AddCommand(stdout, stderr),
        RemoveCommand(stdout, stderr),
    };

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var command = new Command("ls", "List a project's members and their roles") { project };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var members = await client.ListMembersAsync(parse.GetValue(project)!, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(members, CliJson.Context.IReadOnlyListProjectMemberInfo));
                return ExitCodes.Success;
            }

            var table = new RegistryTable("NAME", "KIND", "ROLE", "SINCE");
            foreach (var member in members)
            {
                table.Add(member.Name, member.Kind, member.Role, RegistryText.Time(member.Since));
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command AddCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var user = new Argument<string>("user") { Description = "The username" };
        var role = new Option<string>("--role")
        {
            Description = "viewer, developer, maintainer or owner",
            Required = true,
        };
        role.AcceptOnlyFromAmong(Roles);
        var command = new Command("add", "Add a user to a project, or change their role (needs project:admin)") { project, user, role };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var member = await client.SetMemberAsync(parse.GetValue(project)!, parse.GetValue(user)!, parse.GetValue(role)!, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(member, CliJson.Context.ProjectMemberInfo));
            }
            else
            {
                await stdout.WriteLineAsync($"{member.Name} is now {member.Role} in {parse.GetValue(project)}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RemoveCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string>("project") { Description = "The project" };
        var user = new Argument<string>("user") { Description = "The username" };
        var command = new Command("rm", "Remove a user from a project; their tokens lose it at once (needs project:admin)") { project, user };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var projectName = parse.GetValue(project)!;
            var username = parse.GetValue(user)!;
            await client.RemoveMemberAsync(projectName, username, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(
                    $"{{\"project\":{CliJson.Quote(projectName)},\"removed\":{CliJson.Quote(username)}}}");
            }
            else
            {
                await stdout.WriteLineAsync($"Removed {username} from {projectName}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
