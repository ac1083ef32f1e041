using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// The whole conformance suite (spec, OCI 1.1 and Wharf policy layers) against the Wharf server on real Kestrel, on
/// its own temp data directory. A real socket rather than the in-memory TestServer, because the hostile-path checks
/// send raw, uncanonicalised request targets.
/// </summary>
[Trait("Category", "WharfRegistry")]
public sealed class WharfConformanceTests(KestrelWharfServer server)
    : WharfRegistryPolicyTests(server.CreateClient()), IClassFixture<KestrelWharfServer>;
