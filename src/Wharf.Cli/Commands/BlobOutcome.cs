using Wharf.Oci;
using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>Where one blob of a push, pull or build ended: its last state and the bytes that actually moved.</summary>
internal sealed record BlobOutcome(Descriptor Descriptor, string Name, TransferState State, long Bytes);
