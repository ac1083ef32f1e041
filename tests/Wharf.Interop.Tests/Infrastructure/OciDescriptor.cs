namespace Wharf.Interop.Tests.Infrastructure;

/// <summary>An OCI content descriptor: what a manifest or an index says about a blob.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size);
