using System.CommandLine;
using Wharf.Server.Hosting;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf server</c>: runs the platform in this process, exactly as <c>dotnet run --project src/Wharf.Server</c> does.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on (default {WharfServer.DefaultUrl})" };
        var data = new Option<string?>("--data") { Description = "Data directory (default: $WHARF_DATA, else ./.wharf)" };
        var command = new Command("server", "Start the Wharf platform with embedded defaults (SQLite, local files)")
        {
            urls,
            data,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u)
            {
                args.Add($"--urls={u}");
            }

            if (parse.GetValue(data) is { } d)
            {
                args.Add($"--Wharf:DataDirectory={d}");
            }

            // Anything else (for example --Wharf:Database:Provider=postgres) is passed to the host's configuration.
            args.AddRange(parse.UnmatchedTokens);
            return WharfServer.RunAsync([.. args], cancellationToken);
        });
        return command;
    }
}
