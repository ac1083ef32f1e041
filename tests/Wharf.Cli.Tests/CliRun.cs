namespace Wharf.Cli.Tests;

/// <summary>Runs the CLI in-process with captured stdout and stderr (and, for <c>--token-stdin</c>, a given stdin).</summary>
internal static class CliRun
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? string.Empty);
        var exit = await CliApp.RunAsync(args, stdout, stderr, input);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
