namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>
/// An auth file of its own for <c>skopeo login</c> and <c>podman login</c>, so a test's logins never touch the machine's
/// credentials (<c>${XDG_RUNTIME_DIR}/containers/auth.json</c>, <c>~/.docker/config.json</c>) nor see another test's.
/// The clients get it both ways: <c>--authfile</c> on each command and <c>REGISTRY_AUTH_FILE</c> in the environment;
/// <c>DOCKER_CONFIG</c> points into the same directory so the docker fallback finds nothing of the machine's either.
/// </summary>
internal sealed class RegistryAuthFile : IDisposable
{
    private readonly TempDirectory _directory = new("wa");

    public RegistryAuthFile()
    {
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGISTRY_AUTH_FILE"] = Path,
            ["DOCKER_CONFIG"] = _directory.Combine("docker"),
        };
    }

    public string Path => _directory.Combine("auth.json");

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The file's text, or empty when no login has written it yet.</summary>
    public string Read() => File.Exists(Path) ? File.ReadAllText(Path) : string.Empty;

    public void Dispose() => _directory.Dispose();
}
