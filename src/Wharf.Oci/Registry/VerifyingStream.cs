namespace Wharf.Oci.Registry;

/// <summary>
/// A <see cref="DigestCheckingStream"/> over a blob downloaded from (or about to be uploaded to) a registry: a failure
/// is a <see cref="DigestMismatchException"/> that names the blob and where it came from.
/// </summary>
internal sealed class VerifyingStream(Stream inner, IDisposable? owner, Descriptor descriptor, string source, Action<long>? progress)
    : DigestCheckingStream(inner, owner, descriptor.Digest, descriptor.Size, progress)
{
    private readonly Digest _expected = descriptor.Digest;

    protected override Exception TooLong(long size) => Mismatch(null, $"more than the {size} bytes its descriptor says");

    protected override Exception WrongSize(long read, long size) => Mismatch(null, $"{read} bytes where its descriptor says {size}");

    protected override Exception WrongDigest(Digest actual) => Mismatch(actual, $"content that hashes to {actual}");

    private DigestMismatchException Mismatch(Digest? actual, string what)
        => new(_expected, actual, $"blob {_expected} from {source} failed verification: it had {what}");
}
