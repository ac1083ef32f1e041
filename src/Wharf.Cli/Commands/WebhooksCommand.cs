using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Wharf.Client.Webhooks;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf webhooks ls|create|rm|deliveries|ping</c>: a project's webhooks and their delivery log (needs project:admin).</summary>
internal static class WebhooksCommand
{
    /// <summary>The webhook contracts for stdout, escaped like <see cref="CliJson.Context"/>.</summary>
    private static readonly WebhooksJsonContext Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static Command Create(TextWriter stdout, TextWriter stderr) => new("webhooks", "Send a project's events to HTTP endpoints, signed (needs project:admin)")
    {
        ListCommand(stdout, stderr),
        CreateCommand(stdout, stderr),
        RemoveCommand(stdout, stderr),
        DeliveriesCommand(stdout, stderr),
        PingCommand(stdout, stderr),
    };

    private static Argument<string> ProjectArgument() => new("project") { Description = "The project" };

    private static Argument<long> IdArgument() => new("id") { Description = "The webhook's id (see 'wharf webhooks ls')" };

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = ProjectArgument();
        var command = new Command("ls", "List a project's webhooks") { project };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var hooks = await client.ListWebhooksAsync(parse.GetValue(project)!, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(hooks, Json.IReadOnlyListWebhookInfo));
                return ExitCodes.Success;
            }

            if (hooks.Count == 0)
            {
                await stdout.WriteLineAsync("No webhooks.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("ID", "URL", "EVENTS", "ACTIVE", "CREATED");
            foreach (var hook in hooks)
            {
                table.Add(hook.Id.ToString(CultureInfo.InvariantCulture), hook.Url, hook.Events.Count == 0 ? "*" : string.Join(",", hook.Events),
                    hook.Active ? "yes" : "no", RegistryText.Time(hook.CreatedAt));
            }

            await table.WriteAsync(stdout);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = ProjectArgument();
        var url = new Argument<string>("url") { Description = "Where to POST events: an absolute http(s) URL" };
        var events = new Option<string[]>("--event")
        {
            Description = "An event type or prefix (registry.manifest-pushed, models.*); repeat it; none means every event",
            AllowMultipleArgumentsPerToken = true,
        };
        var secret = new Option<string?>("--secret") { Description = "Signing secret (16-256 characters); generated when left out" };
        var description = new Option<string?>("--description") { Description = "A note for people" };
        var inactive = new Option<bool>("--inactive") { Description = "Create it switched off" };
        var command = new Command("create", "Create a webhook; prints its signing secret once") { project, url, events, secret, description, inactive };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var request = new CreateWebhookRequest(
                parse.GetValue(url)!, parse.GetValue(events) ?? [], parse.GetValue(secret), parse.GetValue(description), !parse.GetValue(inactive));
            var created = await client.CreateWebhookAsync(parse.GetValue(project)!, request, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(created, Json.CreatedWebhookInfo));
            }
            else
            {
                await stdout.WriteLineAsync($"Created webhook {created.Webhook.Id} for {created.Webhook.Project} -> {created.Webhook.Url}");
                await stdout.WriteLineAsync($"Signing secret (shown once; store it now): {created.Secret}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RemoveCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = ProjectArgument();
        var id = IdArgument();
        var command = new Command("rm", "Delete a webhook with its delivery log") { project, id };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var projectName = parse.GetValue(project)!;
            var webhookId = parse.GetValue(id);
            await client.DeleteWebhookAsync(projectName, webhookId, cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(
                    $"{{\"project\":{CliJson.Quote(projectName)},\"removed\":{webhookId.ToString(CultureInfo.InvariantCulture)}}}");
            }
            else
            {
                await stdout.WriteLineAsync($"Removed webhook {webhookId} from {projectName}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command DeliveriesCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = ProjectArgument();
        var id = IdArgument();
        var limit = new Option<int>("--limit") { Description = "How many, newest first (1-200)", DefaultValueFactory = _ => 20 };
        var before = new Option<long?>("--before") { Description = "Continue below this delivery id (from the previous page)" };
        var command = new Command("deliveries", "Show a webhook's delivery log") { project, id, limit, before };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var page = await client.ListWebhookDeliveriesAsync(
                parse.GetValue(project)!, parse.GetValue(id), parse.GetValue(limit), parse.GetValue(before), cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(page, Json.WebhookDeliveryPage));
                return ExitCodes.Success;
            }

            if (page.Deliveries.Count == 0)
            {
                await stdout.WriteLineAsync("No deliveries.");
                return ExitCodes.Success;
            }

            var table = new RegistryTable("ID", "EVENT", "STATE", "ATTEMPTS", "STATUS", "CREATED", "ERROR");
            foreach (var d in page.Deliveries)
            {
                table.Add(d.Id.ToString(CultureInfo.InvariantCulture), d.EventType, d.State, d.Attempts.ToString(CultureInfo.InvariantCulture),
                    d.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-", RegistryText.Time(d.CreatedAt), d.LastError ?? "");
            }

            await table.WriteAsync(stdout);
            if (page.NextBefore is { } next)
            {
                await stderr.WriteLineAsync($"More: --before {next}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command PingCommand(TextWriter stdout, TextWriter stderr)
    {
        var project = ProjectArgument();
        var id = IdArgument();
        var command = new Command("ping", "Send a wharf.ping event to a webhook (see the result with 'wharf webhooks deliveries')") { project, id };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, async (client, format) =>
        {
            var delivery = await client.PingWebhookAsync(parse.GetValue(project)!, parse.GetValue(id), cancellationToken);
            if (format == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(delivery, Json.WebhookDeliveryInfo));
            }
            else
            {
                await stdout.WriteLineAsync($"Queued ping delivery {delivery.Id} ({delivery.DeliveryId}).");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
