using System.CommandLine;
using System.Net.Sockets;
using Wharf.Client;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>
/// What <c>wharf push|pull|build</c> share: the registry options, one <see cref="RegistryClient"/> with the right
/// credentials per registry (<see cref="ImageCredentials"/>), and the mapping of failures to messages and exit codes:
/// bad arguments exit 2, a registry's refusal, missing or corrupt content exit 1, an unreachable registry 3.
/// </summary>
internal static class ImageCall
{
    public static readonly Option<string?> CredsOption = new("--creds")
    {
        Description = "user:password for registries other than the Wharf server's (the Wharf registry uses your 'wharf login' token)",
    };

    public static readonly Option<bool> PlainHttpOption = new("--plain-http")
    {
        Description = "Talk plain HTTP to registries that are not on a loopback address (loopback always uses HTTP)",
    };

    public static void AddOptions(Command command)
    {
        command.Options.Add(CredsOption);
        command.Options.Add(PlainHttpOption);
    }

    /// <summary>Runs <paramref name="body"/> with a client, the Wharf registry's host and the output format.</summary>
    public static async Task<int> RunAsync(ParseResult parse, TextWriter stderr, Func<ImageContext, Task<int>> body)
    {
        Uri server;
        string? token;
        try
        {
            server = WharfClient.ResolveServer(parse.GetValue(CliApp.ServerOption));
            token = CliCredentials.Resolve(parse.GetValue(CliApp.TokenOption), server, CredentialStore.Open(parse.GetValue(CliApp.ConfigDirOption)));
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"wharf: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"wharf: cannot read stored credentials: {ex.Message}");
            return ExitCodes.Usage;
        }

        RegistryCredentials? creds = null;
        if (parse.GetValue(CredsOption) is { } given)
        {
            var colon = given.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                await stderr.WriteLineAsync("wharf: --creds must be user:password");
                return ExitCodes.Usage;
            }

            creds = RegistryCredentials.Basic(given[..colon], given[(colon + 1)..]);
        }

        var wharfRegistry = server.Authority;
        var options = new RegistryClientOptions
        {
            Credentials = new ImageCredentials(wharfRegistry, token, creds),
            PlainHttp = parse.GetValue(PlainHttpOption),
            UserAgent = "wharf-cli",
        };
        using var client = new RegistryClient(options);
        var context = new ImageContext(client, wharfRegistry, parse.GetValue(CliApp.FormatOption));
        try
        {
            return await body(context);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await stderr.WriteLineAsync($"wharf: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (RegistryException ex) when (ex.StatusCode is null && ex.InnerException is HttpRequestException)
        {
            await stderr.WriteLineAsync($"wharf: cannot reach the registry: {ex.Message}");
            return ExitCodes.Unreachable;
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            await stderr.WriteLineAsync($"wharf: cannot reach the registry: {ex.Message}");
            return ExitCodes.Unreachable;
        }
        catch (Exception ex) when (ex is RegistryException or ImageBuildException or NoMatchingPlatformException or OciLayoutException
            or DigestMismatchException or InvalidDataException or ImageCommandException)
        {
            await stderr.WriteLineAsync($"wharf: {ex.Message}");
            return ExitCodes.ServerError;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>The image reference parsed, or a usage error naming the argument.</summary>
    public static ImageReference ParseReference(string value, string what)
        => ImageReference.TryParse(value, out var reference, out var error)
            ? reference
            : throw new ArgumentException($"{what}: {error}");

    /// <summary>"os/arch[/variant]".</summary>
    public static Platform ParsePlatform(string? value)
    {
        if (value is null)
        {
            return RegistryClient.DefaultPlatform;
        }

        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"--platform '{value}' must be os/arch or os/arch/variant, e.g. linux/amd64");
        }

        return new Platform(parts[1], parts[0], parts.Length == 3 ? parts[2] : null);
    }
}
