using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf registry</c>: lists and cleans up the built-in OCI registry through <c>/api/v1/registry</c>.</summary>
internal static class RegistryCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("registry", "List, inspect and clean up the built-in OCI registry")
    {
        RegistryListCommand.Create(stdout, stderr),
        RegistryTagsCommand.Create(stdout, stderr),
        RegistryRemoveCommand.Create(stdout, stderr),
        RegistryGcCommand.Create(stdout, stderr),
    };
}
