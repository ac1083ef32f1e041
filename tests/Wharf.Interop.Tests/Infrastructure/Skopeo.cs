using System.Text;
using System.Text.Json;

namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// skopeo against a plain-HTTP test registry. TLS verification is turned off per command
/// (<c>--tls-verify=false</c>), never machine-wide in registries.conf; <c>--insecure-policy</c> keeps the run
/// independent of the machine's /etc/containers/policy.json. Credentials come either from <c>--creds</c> on each
/// command or, with <paramref name="authFile"/>, from what <c>skopeo login</c> stored in that file.
/// </summary>
internal sealed class Skopeo(string? credentials, RegistryAuthFile? authFile = null)
{
    /// <summary><c>skopeo login</c> with the password on stdin, as a script would do it.</summary>
    public Task<ProcessResult> LoginAsync(string host, string username, string password)
        => RunAsync([.. "login --tls-verify=false".Split(' '), .. AuthFileOptions(), "--username", username, "--password-stdin", host], password);

    public Task<ProcessResult> LogoutAsync(string host)
        => RunAsync(["logout", .. AuthFileOptions(), host]);

    public Task<ProcessResult> CopyAsync(string source, string destination, params string[] options)
    {
        List<string> args = ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", .. AuthFileOptions(), .. options];
        if (credentials is not null && source.StartsWith("docker://", StringComparison.Ordinal))
        {
            args.AddRange(["--src-creds", credentials]);
        }

        if (credentials is not null && destination.StartsWith("docker://", StringComparison.Ordinal))
        {
            args.AddRange(["--dest-creds", credentials]);
        }

        return RunAsync([.. args, source, destination]);
    }

    /// <summary>The manifest bytes exactly as the registry serves them (<c>inspect --raw</c>).</summary>
    public async Task<byte[]> InspectRawAsync(string reference)
    {
        var result = (await RunAsync(WithCredentials(["inspect", "--raw", "--tls-verify=false"], reference))).EnsureSuccess();
        return Encoding.UTF8.GetBytes(result.Stdout);
    }

    /// <summary>The digest skopeo reports for a reference (<c>inspect</c>'s <c>Digest</c>).</summary>
    public async Task<string> InspectDigestAsync(string reference)
    {
        var result = (await RunAsync(WithCredentials(["inspect", "--tls-verify=false"], reference))).EnsureSuccess();
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("Digest").GetString() ?? string.Empty;
    }

    public Task<ProcessResult> InspectAsync(string reference)
        => RunAsync(WithCredentials(["inspect", "--tls-verify=false"], reference));

    public Task<ProcessResult> DeleteAsync(string reference)
        => RunAsync(WithCredentials(["delete", "--tls-verify=false"], reference));

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repositoryReference)
    {
        var result = (await RunAsync(WithCredentials(["list-tags", "--tls-verify=false"], repositoryReference))).EnsureSuccess();
        using var json = JsonDocument.Parse(result.Stdout);
        return [.. json.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString() ?? string.Empty)];
    }

    private Task<ProcessResult> RunAsync(IEnumerable<string> args, string? standardInput = null)
        => ProcessRunner.RunAsync("skopeo", ["--insecure-policy", .. args], authFile?.Environment, standardInput: standardInput);

    private string[] AuthFileOptions() => authFile is null ? [] : ["--authfile", authFile.Path];

    private List<string> WithCredentials(List<string> args, string reference)
    {
        if (credentials is not null)
        {
            args.AddRange(["--creds", credentials]);
        }

        args.AddRange(AuthFileOptions());

        args.Add(reference);
        return args;
    }
}
