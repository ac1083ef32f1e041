using System.Diagnostics;

namespace Wharf.Oci.Tests.Layout;

/// <summary>Runs skopeo, umoci and GNU tar, the tools our layouts and layers must interoperate with (installed by scripts/test.sh).</summary>
public static class ExternalTool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var path = Find(tool) ?? throw new InvalidOperationException($"{tool} is not installed: run scripts/test.sh as root or apt-get install -y {tool}");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["TZ"] = "UTC"; // tar prints times in local time
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunCheckedAsync(string tool, params string[] arguments)
    {
        var (code, output) = await RunAsync(tool, arguments);
        Assert.True(code == 0, $"{tool} {string.Join(' ', arguments)} exited {code}: {output}");
        return output;
    }

    private static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
