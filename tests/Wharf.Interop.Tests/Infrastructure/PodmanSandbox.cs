namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// Podman with all of its state in a temp directory of its own (image store, run state, events log), so a
/// test starts from an empty store, never sees another test's images, and leaves nothing on the machine.
/// </summary>
/// <remarks>
/// Settings come from scripts/interop/containers.conf (runc, lowered ulimits, file events logger; see the
/// comments there for why) through CONTAINERS_CONF, which replaces the system files rather than layering on
/// them. Storage is vfs: it works on any filesystem, and these images are a few MiB, so overlay's speed is
/// not worth its kernel requirement here (setup.sh probes overlay for the machine-wide store).
/// registries.conf is an empty one of our own: image names are always fully qualified, and TLS is turned
/// off per command with --tls-verify=false, never for a registry machine-wide.
/// </remarks>
internal sealed class PodmanSandbox : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("wp");
    private readonly string? _credentials;
    private readonly RegistryAuthFile? _authFile;
    private readonly Dictionary<string, string> _environment;
    private readonly string[] _globalOptions;

    /// <param name="credentials"><c>user:password</c> for <c>--creds</c> on each push and pull, or null.</param>
    /// <param name="authFile">Where <c>podman login</c> stores credentials and push and pull read them, or null.</param>
    public PodmanSandbox(string? credentials, RegistryAuthFile? authFile = null)
    {
        _credentials = credentials;
        _authFile = authFile;
        var storageConf = _directory.Combine("storage.conf");
        File.WriteAllText(storageConf, $"""
            [storage]
            driver = "vfs"
            graphroot = "{_directory.Combine("root")}"
            runroot = "{_directory.Combine("run")}"
            """);
        var registriesConf = _directory.Combine("registries.conf");
        File.WriteAllText(registriesConf, "unqualified-search-registries = []\n");

        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CONTAINERS_CONF"] = RepositoryRoot.File("scripts", "interop", "containers.conf"),
            ["CONTAINERS_STORAGE_CONF"] = storageConf,
            ["CONTAINERS_REGISTRIES_CONF"] = registriesConf,
        };
        foreach (var (key, value) in authFile?.Environment ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }

        // --tmpdir holds libpod's transient state and the events log. cgroupfs works for root whether or not
        // systemd is PID 1 (here it is not).
        _globalOptions = ["--tmpdir", _directory.Combine("tmp"), "--cgroup-manager", "cgroupfs"];
    }

    public Task<ProcessResult> RunAsync(params string[] args)
        => ProcessRunner.RunAsync("podman", [.. _globalOptions, .. args], _environment);

    /// <summary><c>podman login</c> with the password on stdin, into the sandbox's auth file.</summary>
    public Task<ProcessResult> LoginAsync(string host, string username, string password)
        => ProcessRunner.RunAsync(
            "podman",
            [.. _globalOptions, "login", "--tls-verify=false", .. AuthFileOptions(), "--username", username, "--password-stdin", host],
            _environment,
            standardInput: password);

    public Task<ProcessResult> LogoutAsync(string host) => RunAsync(["logout", .. AuthFileOptions(), host]);

    /// <summary>Pulls from a plain-HTTP registry; returns the local image id.</summary>
    public async Task<string> PullAsync(string image)
    {
        var result = (await RunAsync([.. "pull --quiet --tls-verify=false".Split(' '), .. CredentialOptions(), image])).EnsureSuccess();
        return result.Stdout.Trim();
    }

    /// <summary>Pushes a local image to a plain-HTTP registry; returns the manifest digest podman pushed.</summary>
    public async Task<string> PushAsync(string localImage, string destination)
    {
        var digestFile = _directory.Combine($"digest-{Guid.NewGuid():N}");
        (await RunAsync([.. "push --quiet --tls-verify=false --digestfile".Split(' '), digestFile, .. CredentialOptions(), localImage, destination]))
            .EnsureSuccess();
        return (await File.ReadAllTextAsync(digestFile)).Trim();
    }

    /// <summary>
    /// Runs a container and returns what it printed. No network: nothing the tests run needs one, and it
    /// keeps CNI from creating bridges and firewall rules on a shared machine.
    /// </summary>
    public async Task<string> RunContainerAsync(string image, params string[] command)
    {
        var result = (await RunAsync(["run", "--rm", "--network=none", image, .. command])).EnsureSuccess();
        return result.Stdout;
    }

    public async ValueTask DisposeAsync()
    {
        // reset unmounts and removes containers and images (vfs layers may be read-only directories);
        // whatever it leaves, the directory delete takes.
        try
        {
            await RunAsync("system", "reset", "--force");
        }
        catch (TimeoutException)
        {
        }

        _directory.Dispose();
    }

    private string[] CredentialOptions() => _credentials is not null ? ["--creds", _credentials] : AuthFileOptions();

    private string[] AuthFileOptions() => _authFile is null ? [] : ["--authfile", _authFile.Path];
}
