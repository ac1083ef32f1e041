using System.CommandLine;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf logout</c>: forgets the token <c>wharf login</c> stored for the server. The token itself stays valid until
/// it expires; <c>wharf token revoke</c> ends it on the server.
/// </summary>
internal static class LogoutCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("logout", "Forget the token stored for the server (revoke it with 'wharf token revoke')");
        command.SetAction(async (parse, cancellationToken) =>
        {
            Uri server;
            try
            {
                server = WharfClient.ResolveServer(parse.GetValue(CliApp.ServerOption));
            }
            catch (ArgumentException ex)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.Usage;
            }

            var store = CredentialStore.Open(parse.GetValue(CliApp.ConfigDirOption));
            bool removed;
            try
            {
                removed = store.Remove(server);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await stderr.WriteLineAsync($"wharf: cannot update {store.Path}: {ex.Message}");
                return ExitCodes.Usage;
            }

            var key = CredentialStore.KeyOf(server);
            var message = removed ? $"Logged out of {key}." : $"No token was stored for {key}.";
            if (parse.GetValue(CliApp.FormatOption) == OutputFormat.Json)
            {
                await stdout.WriteLineAsync($"{{\"server\":{CliJson.Quote(key)},\"removed\":{(removed ? "true" : "false")}}}");
                await stderr.WriteLineAsync(message);
            }
            else
            {
                await stdout.WriteLineAsync(message);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
