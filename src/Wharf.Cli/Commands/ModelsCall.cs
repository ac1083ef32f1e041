using System.CommandLine;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <see cref="ServerCall"/> for the model verbs, which also refuse bad names on the command line (usage, exit 2) and
/// hostile or corrupt registry content while pulling (exit 1), each with a message rather than a stack trace.
/// </summary>
internal static class ModelsCall
{
    public static Task<int> RunAsync(ParseResult parse, TextWriter stderr, Func<WharfClient, OutputFormat, Task<int>> body, bool transfer = false)
    {
        async Task<int> Guarded(WharfClient client, OutputFormat format)
        {
            try
            {
                return await body(client, format);
            }
            catch (ArgumentException ex)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (InvalidDataException ex)
            {
                await stderr.WriteLineAsync($"wharf: {ex.Message}");
                return ExitCodes.ServerError;
            }
        }

        return transfer ? ServerCall.RunTransferAsync(parse, stderr, Guarded) : ServerCall.RunAsync(parse, stderr, Guarded);
    }
}
