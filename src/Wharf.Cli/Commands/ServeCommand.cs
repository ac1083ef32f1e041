using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Wharf.Client;
using Wharf.Oci.Registry;
using Wharf.Serving.Hosting;
using Wharf.Serving.Models;
using Wharf.Serving.Sources;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf serve &lt;dir|model.onnx|oci-layout|registry-ref&gt;</c>: runs wharf-serve in this process until Ctrl+C. A
/// directory with .onnx files (what <c>wharf models pull</c> writes) or an OCI layout is one model; any other directory is
/// a model repository (<c>&lt;name&gt;/[&lt;version&gt;/]model.onnx</c>). A reference to the Wharf server's registry
/// (<c>host/project/models/name:vN</c>) is pulled with the CLI's token. Prints the address and every model's state once
/// start-up has loaded them.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("source")
        {
            Description = "A model directory or .onnx file, a model repository directory, an OCI layout (dir or oci:dir[:ref]), or a registry reference such as host/project/models/iris:v3",
        };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one)", DefaultValueFactory = _ => 8000 };
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var maxBatch = new Option<int?>("--max-batch") { Description = "Dynamic batching: the largest batch in items (default 1 = off)" };
        var maxQueueDelay = new Option<int?>("--max-queue-delay-ms") { Description = "Dynamic batching: how long a request may wait for others (ms)" };
        var intraOpThreads = new Option<int?>("--intra-op-threads") { Description = "ONNX Runtime intra-op threads (default: ONNX Runtime's)" };
        var name = new Option<string?>("--name") { Description = "The model's name (default: the repository's or directory's last segment)" };
        var file = new Option<string?>("--file") { Description = "The .onnx file inside the source, when it holds several" };
        var command = new Command("serve", "Serve a model locally over the Open Inference Protocol v2 (wharf-serve in this process)")
        {
            source, port, host, maxBatch, maxQueueDelay, intraOpThreads, name, file,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var format = parse.GetValue(CliApp.FormatOption);
            var text = format == OutputFormat.Json ? stderr : stdout;
            var given = parse.GetValue(source)!;
            var args = new List<string>();
            var listenHost = parse.GetValue(host)!;
            var listenPort = parse.GetValue(port);
            if (listenPort is < 0 or > 65535)
            {
                await stderr.WriteLineAsync($"wharf: --port must be a port number, not {listenPort}");
                return ExitCodes.Usage;
            }

            args.Add($"--urls=http://{(listenHost.Contains(':', StringComparison.Ordinal) && !listenHost.StartsWith('[') ? $"[{listenHost}]" : listenHost)}:{listenPort}");
            if (IsModelRepository(given))
            {
                args.Add($"--Serving:ModelRepository={given}");
            }
            else
            {
                args.Add($"--Serving:Models:0:Source={given}");
                Add(args, "Serving:Models:0:Name", parse.GetValue(name));
                Add(args, "Serving:Models:0:File", parse.GetValue(file));
            }

            Add(args, "Serving:Batching:Default:MaxBatchSize", parse.GetValue(maxBatch)?.ToString(CultureInfo.InvariantCulture));
            Add(args, "Serving:Batching:Default:MaxQueueDelay", parse.GetValue(maxQueueDelay) is { } ms ? TimeSpan.FromMilliseconds(ms).ToString("c", CultureInfo.InvariantCulture) : null);
            Add(args, "Serving:IntraOpThreads", parse.GetValue(intraOpThreads)?.ToString(CultureInfo.InvariantCulture));
            args.AddRange(parse.UnmatchedTokens);

            string wharfRegistry;
            string? token;
            try
            {
                var server = WharfClient.ResolveServer(parse.GetValue(CliApp.ServerOption));
                wharfRegistry = server.Authority;
                token = ModelSourceSpec.TryParse(given, out var spec, out _) && spec.Kind == ModelSourceKind.Registry
                    && string.Equals(spec.Reference!.Registry, wharfRegistry, StringComparison.OrdinalIgnoreCase)
                    ? CliCredentials.Resolve(parse.GetValue(CliApp.TokenOption), server, CredentialStore.Open(parse.GetValue(CliApp.ConfigDirOption)))
                    : null;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.Usage;
            }

            WebApplication app;
            try
            {
                app = ServingApp.Build([.. args], services =>
                {
                    services.AddSingleton<IRegistryCredentialProvider>(provider =>
                        new ServeCredentials(wharfRegistry, token, new ServingRegistryCredentials(provider.GetRequiredService<IOptions<ServingOptions>>())));

                    // The server's log goes to stderr, so stdout holds only what this command prints (JSON alone with --format json);
                    // the host's own start-up lines repeat what it prints.
                    services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
                    services.AddLogging(logging => logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning));
                });
            }
            catch (ArgumentException ex)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.Usage;
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (OptionsValidationException ex)
                {
                    await stderr.WriteLineAsync($"wharf: {string.Join(" ", ex.Failures)}");
                    return ExitCodes.Usage;
                }
                catch (IOException ex)
                {
                    await stderr.WriteLineAsync($"wharf: cannot listen on {listenHost}:{listenPort}: {ex.Message}");
                    return ExitCodes.ServerError;
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Success;
                }

                var url = app.Urls.FirstOrDefault() ?? $"http://{listenHost}:{listenPort}";
                await text.WriteLineAsync($"wharf-serve is listening on {url}; loading models...");
                try
                {
                    var repository = app.Services.GetRequiredService<ModelRepository>();
                    while (!repository.Started && repository.StartupError is null)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                    }

                    await ReportAsync(repository, url, format, stdout, text);
                    await app.WaitForShutdownAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop serving gracefully below.
                }

                await app.StopAsync(CancellationToken.None);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A directory that is neither an OCI layout nor holds .onnx files itself is a model repository.</summary>
    private static bool IsModelRepository(string path)
        => Directory.Exists(path)
            && !File.Exists(Path.Combine(path, "oci-layout"))
            && !Directory.EnumerateFiles(path, "*.onnx").Any();

    private static void Add(List<string> args, string key, string? value)
    {
        if (value is not null)
        {
            args.Add($"--{key}={value}");
        }
    }

    private static async Task ReportAsync(ModelRepository repository, string url, OutputFormat format, TextWriter stdout, TextWriter text)
    {
        var ready = repository.IsReady(out var reason);
        var models = repository.Models;
        if (format == OutputFormat.Json)
        {
            var json = new JsonObject
            {
                ["url"] = url,
                ["ready"] = ready,
                ["reason"] = reason,
                ["models"] = new JsonArray(models.SelectMany(m => m.Versions.Select(v => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name,
                    ["version"] = v.Version,
                    ["state"] = v.State.ToWireName(),
                    ["reason"] = v.Reason,
                })).ToArray()),
            };
            await stdout.WriteLineAsync(json.ToJsonString());
        }

        foreach (var model in models)
        {
            foreach (var version in model.Versions)
            {
                await text.WriteLineAsync($"  {model.Name} v{version.Version}  {version.State.ToWireName()}{(version.Reason is null ? "" : $"  {version.Reason}")}");
            }
        }

        await text.WriteLineAsync(ready
            ? $"Ready: {url}/v2/models/<name>/infer (Open Inference Protocol v2). Press Ctrl+C to stop."
            : $"Not ready: {reason ?? "no models"}. Serving what loaded at {url}; press Ctrl+C to stop.");
    }
}
