using System.Diagnostics;

namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>Runs a command to completion, capturing its output.</summary>
internal static class ProcessRunner
{
    // A safety net so a wedged client fails the test with its output instead of hanging the run; it is not a
    // timing assertion (a healthy command here takes seconds).
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    public static async Task<ProcessResult> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(RequiredTool.Path(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var commandLine = $"{tool} {string.Join(' ', info.ArgumentList)}";
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"`{commandLine}` did not start");
        // Input is written whole and closed (a secret for --password-stdin); nothing here may wait for a prompt.
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var partial = new ProcessResult(commandLine, -1, await stdout, await stderr);
            throw new TimeoutException(partial.Describe($"did not finish within {timeout ?? DefaultTimeout}; killed"));
        }

        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr);
    }
}
