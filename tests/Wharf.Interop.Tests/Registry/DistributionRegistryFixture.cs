using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// CNCF distribution 2.8 (<c>docker-registry</c>, Debian package), the baseline Wharf's registry must match:
/// filesystem storage in a temp directory, deletes enabled, no auth, plain HTTP on loopback.
/// </summary>
public sealed class DistributionRegistryFixture() : RegistryFixture("wi-dist")
{
    private protected override ChildProcess StartServer()
    {
        var config = Data.Combine("config.yml");
        // Upload purging off: it is a background sweep that only adds noise to a short test run. The HTTP
        // secret is fixed only to silence the "generated random secret" warning in failure output.
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Data.Combine("storage")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: {Host}
              secret: wharf-interop-tests
            """);
        return ChildProcess.Start(
            RequiredTool.Path("docker-registry"),
            ["serve", config],
            new Dictionary<string, string?>(),
            Data.Path);
    }
}
