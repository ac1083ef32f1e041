using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wharf.Client.Auth;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf token create|ls|revoke</c>: the caller's own tokens. A secret is printed once, at creation.</summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("token", "Create, list and revoke your tokens")
    {
        CreateCommand(stdout, stderr),
        ListCommand(stdout, stderr),
        RevokeCommand(stdout, stderr),
    };

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var name = new Option<string>("--name") { Description = "A label for the token, e.g. laptop or ci", Required = true };
        var project = new Option<string>("--project") { Description = "The project the token acts in", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope to grant (repeat for more): registry:pull|push|delete, tracking:read|write, models:read|write|promote, jobs:read|run|cancel, serving:read|deploy|invoke, project:admin",
            Required = true,
        };
        var expires = new Option<int?>("--expires-days") { Description = "Lifetime in days (default: the server's, 90)" };
        var command = new Command("create", "Create a token; its secret is printed once, on stdout") { name, project, scopes, expires };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var created = await client.CreateTokenAsync(
                parse.GetValue(name)!, [new TokenGrantInfo(parse.GetValue(project)!, parse.GetValue(scopes)!)], parse.GetValue(expires), cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(created, CliJson.Context.CreatedTokenInfo));
            }
            else
            {
                // The secret alone on stdout, so `wharf token create ... > file` captures just the token.
                await stdout.WriteLineAsync(created.Secret);
            }

            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Created token {created.Id} ({created.Name}), expires {RegistryText.Time(created.ExpiresAt)}. Store it now: it cannot be shown again."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("ls", "List your tokens (never their secrets)");
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var tokens = await client.ListTokensAsync(cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(tokens, CliJson.Context.IReadOnlyListTokenInfo));
                return ExitCodes.Success;
            }

            if (tokens.Count == 0)
            {
                await stdout.WriteLineAsync("No tokens.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("ID", "NAME", "GRANTS", "EXPIRES", "LAST USED", "STATE").AlignRight(0);
            foreach (var token in tokens)
            {
                var grants = string.Join(" ", token.Grants.Select(g => $"{g.Project ?? "*"}:{string.Join(",", g.Scopes)}"));
                var state = token.Revoked ? "revoked" : token.ExpiresAt <= DateTimeOffset.UtcNow ? "expired" : "active";
                table.Add(
                    token.Id.ToString(CultureInfo.InvariantCulture), token.Name, grants, RegistryText.Time(token.ExpiresAt),
                    token.LastUsedAt is { } used ? RegistryText.Time(used) : "never", state);
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RevokeCommand(TextWriter stdout, TextWriter stderr)
    {
        var id = new Argument<long>("id") { Description = "The token's id (from 'wharf token ls')" };
        var command = new Command("revoke", "Revoke a token; it stops working at once") { id };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var tokenId = parse.GetValue(id);
            await client.RevokeTokenAsync(tokenId, cancellationToken);
            await stdout.WriteLineAsync(format == OutputFormat.Json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"revoked\":{tokenId}}}")
                : string.Create(CultureInfo.InvariantCulture, $"Revoked token {tokenId}."));
            return ExitCodes.Success;
        }));
        return command;
    }
}
