namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>What a finished command printed and returned.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Throws with the command line and everything it printed unless it exited 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException(Describe($"exited with {ExitCode}"));
        }

        return this;
    }

    public string Describe(string what) => $"`{CommandLine}` {what}\n--- stderr:\n{Stderr}\n--- stdout:\n{Stdout}";
}
