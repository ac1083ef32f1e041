using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Client;
using Wharf.Client.Tracking;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf runs ls</c> and <c>wharf runs search "&lt;filter&gt;"</c>: one experiment's runs, newest first or in the
/// order asked, with a column for each metric, param or tag the order names.
/// </summary>
internal static partial class RunsSearchCommand
{
    public static Command CreateList(TextWriter stdout, TextWriter stderr)
    {
        var experiment = RunsCommand.ExperimentOption();
        var limit = LimitOption();
        var command = new Command("ls", "List an experiment's runs, newest first") { experiment, limit };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, (client, format) =>
            SearchAsync(client, format, stdout, stderr, parse.GetValue(experiment)!, filter: null, orderBy: [], parse.GetValue(limit), cancellationToken)));
        return command;
    }

    public static Command CreateSearch(TextWriter stdout, TextWriter stderr)
    {
        var filter = new Argument<string>("filter")
        {
            Description = "MLflow filter, e.g. \"metrics.acc > 0.9 and params.lr = '0.01'\" (metrics., params., tags., attributes.)",
        };
        var experiment = RunsCommand.ExperimentOption();
        var orderBy = new Option<string[]>("--order-by")
        {
            Description = "Order, e.g. \"metrics.acc DESC\"; repeat for ties (default: newest first)",
            AllowMultipleArgumentsPerToken = false,
        };
        var limit = LimitOption();
        var command = new Command("search", "Search an experiment's runs with MLflow's filter grammar") { filter, experiment, orderBy, limit };
        command.SetAction((parse, cancellationToken) => ServerCall.RunAsync(parse, stderr, (client, format) =>
            SearchAsync(client, format, stdout, stderr, parse.GetValue(experiment)!, parse.GetValue(filter), parse.GetValue(orderBy) ?? [],
                parse.GetValue(limit), cancellationToken)));
        return command;
    }

    private static Option<int> LimitOption() => new("--limit", "-n")
    {
        Description = "Show at most this many runs",
        DefaultValueFactory = _ => 100,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError("--limit must be at least 1");
                }
            },
        },
    };

    private static async Task<int> SearchAsync(
        WharfClient client, OutputFormat format, TextWriter stdout, TextWriter stderr, string experiment, string? filter,
        IReadOnlyList<string> orderBy, int limit, CancellationToken cancellationToken)
    {
        var experimentId = await TrackingText.ExperimentIdAsync(client, experiment, cancellationToken);
        var (runs, next) = await RegistryPaging.ReadAllAsync<Run>(
            async (token, count) =>
            {
                var page = await client.SearchRunsAsync([experimentId], filter, orderBy, count, token, cancellationToken: cancellationToken);
                return (page.Runs, page.NextPageToken);
            },
            limit);

        if (format == OutputFormat.Json)
        {
            // The API's page shape, so next_page_token tells a script that --limit cut the listing short.
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new RunPage { Runs = runs, NextPageToken = next }, CliJson.Tracking.RunPage));
            return ExitCodes.Success;
        }

        if (runs.Count == 0)
        {
            await stdout.WriteLineAsync("No runs.");
            return ExitCodes.Success;
        }

        var columns = orderBy.Select(OrderedColumn).OfType<(string Kind, string Key)>().Distinct().ToList();
        var table = new RegistryTable(["RUN ID", "NAME", "STATUS", "STARTED", "DURATION", .. columns.Select(c => $"{c.Kind}.{c.Key}")])
            .AlignRight([4, .. columns.Select((c, i) => (c.Kind, Index: 5 + i)).Where(c => c.Kind == "metrics").Select(c => c.Index)]);
        foreach (var run in runs)
        {
            table.Add([
                run.Info.RunId, TrackingText.Name(run.Info), run.Info.Status ?? "-", TrackingText.Time(run.Info.StartTime),
                TrackingText.Duration(run.Info, TimeProvider.System), .. columns.Select(c => Cell(run.Data, c.Kind, c.Key)),
            ]);
        }

        await table.WriteAsync(stdout);
        if (next is not null)
        {
            await stderr.WriteLineAsync($"wharf: more runs follow; raise --limit to see them");
        }

        return ExitCodes.Success;
    }

    /// <summary>The metric, param or tag an order clause sorts by (<c>metrics.acc DESC</c>, <c>params.`learning rate`</c>); null for attributes.</summary>
    private static (string Kind, string Key)? OrderedColumn(string clause)
    {
        var match = OrderClause().Match(clause);
        if (!match.Success)
        {
            return null;
        }

        var key = match.Groups["key"].Value;
        if (key.Length >= 2 && key[0] is '`' or '"' && key[^1] == key[0])
        {
            key = key[1..^1];
        }

        var kind = match.Groups["kind"].Value.ToLowerInvariant() switch
        {
            "metric" or "metrics" => "metrics",
            "param" or "params" or "parameter" or "parameters" => "params",
            _ => "tags",
        };
        return (kind, key);
    }

    private static string Cell(RunData data, string kind, string key) => kind switch
    {
        "metrics" => data.Metrics.FirstOrDefault(m => m.Key == key) is { } m ? TrackingText.Value(m.Value) : "-",
        "params" => data.Params.FirstOrDefault(p => p.Key == key)?.Value ?? "-",
        _ => data.Tags.FirstOrDefault(t => t.Key == key)?.Value ?? "-",
    };

    [GeneratedRegex("""^\s*(?<kind>metrics?|params?|parameters?|tags?)\.(?<key>`[^`]+`|"[^"]+"|\S+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderClause();
}
