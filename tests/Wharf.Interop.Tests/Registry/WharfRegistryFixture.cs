using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// Wharf's own server, started the way a user starts it (<c>dotnet Wharf.Server.dll --urls ...</c>) with a
/// temp <c>WHARF_DATA</c>; clients log in as its bootstrap administrator.
/// </summary>
public sealed class WharfRegistryFixture() : RegistryFixture("wi-wharf")
{
    /// <summary>
    /// The bootstrap administrator with its token as the password, as a user would pass them to <c>skopeo login</c>:
    /// the clients get a registry token from <c>/auth/token</c> with them.
    /// </summary>
    public override string? Credentials => $"admin:{File.ReadAllText(Data.Combine("data", "admin-token")).Trim()}";

    private protected override ChildProcess StartServer()
    {
        // The test project references Wharf.Server, so the server assembly and its runtimeconfig are copied
        // next to the tests; running it with `dotnet` exercises the real process start, not an in-process host.
        var assembly = Path.Combine(AppContext.BaseDirectory, "Wharf.Server.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing; build tests/Wharf.Interop.Tests first.");
        }

        return ChildProcess.Start(
            "dotnet",
            [assembly, "--urls", BaseUrl.ToString().TrimEnd('/')],
            new Dictionary<string, string?>
            {
                ["WHARF_DATA"] = Data.Combine("data"),
                // Every skopeo and podman command fetches registry tokens, all from 127.0.0.1, and the suite makes more
                // than the default 60 a minute: the limit is against brute force (tested in Wharf.Server.Tests), and
                // at the default these tests fail with "too many requests to registry" on a fast machine.
                ["Wharf__Auth__TokenEndpointPermitsPerMinute"] = "100000",
                // An inherited ASPNETCORE_URLS or environment would fight --urls or change behaviour.
                ["ASPNETCORE_URLS"] = null,
                ["ASPNETCORE_ENVIRONMENT"] = null,
                ["DOTNET_ENVIRONMENT"] = null,
            },
            AppContext.BaseDirectory);
    }
}
