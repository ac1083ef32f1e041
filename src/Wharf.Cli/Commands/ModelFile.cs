using Wharf.Oci;

namespace Wharf.Cli.Commands;

/// <summary>One file of a model version: its path, its layer, and whether that layer is a tar appended as is (else a raw file to wrap).</summary>
internal sealed record ModelFile(string Path, Descriptor Layer, bool Verbatim);
