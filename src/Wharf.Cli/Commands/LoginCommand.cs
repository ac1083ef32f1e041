using System.CommandLine;
using System.Net;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Auth;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf login</c>: checks a token against the server (<c>GET /api/v1/auth/whoami</c>) and stores it for that server,
/// so later commands need neither <c>--token</c> nor <c>$WHARF_TOKEN</c>. Nothing is stored when the server refuses it.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var tokenStdin = new Option<bool>("--token-stdin")
        {
            Description = "Read the token from stdin (keeps it out of shell history and the process list)",
        };
        var command = new Command("login", "Check a token (--token or --token-stdin) and store it for the server in $XDG_CONFIG_HOME/wharf") { tokenStdin };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = parse.GetValue(CliApp.TokenOption);
            if (parse.GetValue(tokenStdin))
            {
                if (token is not null)
                {
                    await stderr.WriteLineAsync("wharf: use --token or --token-stdin, not both");
                    return ExitCodes.Usage;
                }

                token = await stdin.ReadLineAsync(cancellationToken);
            }

            token = token?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                await stderr.WriteLineAsync("wharf: login needs a token: --token <token> or --token-stdin (create one with 'wharf token create' or in the UI)");
                return ExitCodes.Usage;
            }

            if (!token.StartsWith("wharf_pat_", StringComparison.Ordinal))
            {
                await stderr.WriteLineAsync("wharf: that is not a Wharf token (they start with wharf_pat_)");
                return ExitCodes.Usage;
            }

            return await ServerCall.RunAsync(parse, stderr, token, async (client, format, server) =>
            {
                WhoAmI who;
                try
                {
                    who = await client.WhoAmIAsync(cancellationToken);
                }
                catch (WharfApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
                {
                    await stderr.WriteLineAsync($"wharf: {server} refused the token (invalid, expired or revoked); nothing was stored");
                    return ExitCodes.ServerError;
                }

                var store = CredentialStore.Open(parse.GetValue(CliApp.ConfigDirOption));
                try
                {
                    store.Save(server, token);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    await stderr.WriteLineAsync($"wharf: cannot store the token in {store.Path}: {ex.Message}");
                    return ExitCodes.Usage;
                }

                var message = $"Logged in to {CredentialStore.KeyOf(server)} as {who.Name} ({who.Kind}); token stored in {store.Path}.";
                if (format == OutputFormat.Json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(who, CliJson.Context.WhoAmI));
                    await stderr.WriteLineAsync(message);
                }
                else
                {
                    await stdout.WriteLineAsync(message);
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }
}
