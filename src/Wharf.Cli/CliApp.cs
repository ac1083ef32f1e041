using System.CommandLine;
using Wharf.Cli.Commands;

namespace Wharf.Cli;

/// <summary>The <c>wharf</c> command tree. Each verb lives in its own class under Commands/.</summary>
internal static class CliApp
{
    public static readonly Option<string?> ServerOption = new("--server")
    {
        Description = "Wharf server URL (default: $WHARF_SERVER, else http://127.0.0.1:8080)",
        Recursive = true,
    };

    public static readonly Option<string?> TokenOption = new("--token")
    {
        Description = "Token to send (default: $WHARF_TOKEN, else the one 'wharf login' stored for the server, else the local server's admin token in $WHARF_DATA/admin-token)",
        Recursive = true,
    };

    /// <summary>
    /// Where <c>wharf login</c> keeps tokens; hidden because people use <c>$XDG_CONFIG_HOME</c>. Tests run the CLI in
    /// parallel in one process, so they point this at their own directory instead of changing the environment.
    /// </summary>
    public static readonly Option<string?> ConfigDirOption = new("--config-dir")
    {
        Description = "Directory of credentials.json (default: $XDG_CONFIG_HOME/wharf, else ~/.config/wharf)",
        Recursive = true,
        Hidden = true,
    };

    public static readonly Option<OutputFormat> FormatOption = new("--format")
    {
        Description = "Output format: text for people (default), json for scripts (JSON alone on stdout)",
        DefaultValueFactory = _ => OutputFormat.Text,
        Recursive = true,
    };

    public static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var root = new RootCommand("wharf: track, register, package, run, deploy and monitor ML models");
        root.Options.Add(ServerOption);
        root.Options.Add(TokenOption);
        root.Options.Add(ConfigDirOption);
        root.Options.Add(FormatOption);
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(StatusCommand.Create(stdout, stderr));
        root.Subcommands.Add(RegistryCommand.Create(stdout, stderr));
        root.Subcommands.Add(FsckCommand.Create(stdout, stderr));
        root.Subcommands.Add(LoginCommand.Create(stdout, stderr, stdin));
        root.Subcommands.Add(LogoutCommand.Create(stdout, stderr));
        root.Subcommands.Add(ProjectCommand.Create(stdout, stderr));
        root.Subcommands.Add(TokenCommand.Create(stdout, stderr));
        root.Subcommands.Add(ExperimentsCommand.Create(stdout, stderr));
        root.Subcommands.Add(RunsCommand.Create(stdout, stderr));
        root.Subcommands.Add(ArtifactsCommand.Create(stdout, stderr));
        root.Subcommands.Add(ModelsCommand.Create(stdout, stderr));
        root.Subcommands.Add(WebhooksCommand.Create(stdout, stderr));
        root.Subcommands.Add(BuildCommand.Create(stdout, stderr));
        root.Subcommands.Add(PushCommand.Create(stdout, stderr));
        root.Subcommands.Add(PullCommand.Create(stdout, stderr));
        root.Subcommands.Add(ServeCommand.Create(stdout, stderr));
        return root;
    }

    public static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null, CancellationToken cancellationToken = default)
    {
        var root = BuildRoot(stdout, stderr, stdin ?? TextReader.Null);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"wharf: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'wharf --help' for usage.");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return await parse.InvokeAsync(config, cancellationToken);
    }
}
