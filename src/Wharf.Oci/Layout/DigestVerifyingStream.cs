namespace Wharf.Oci.Layout;

/// <summary>
/// A <see cref="DigestCheckingStream"/> over content read from a layout or a base image: a failure is an
/// <see cref="InvalidDataException"/> that names <paramref name="what"/>.
/// </summary>
internal sealed class DigestVerifyingStream(Stream inner, Digest expected, long? expectedSize, string what)
    : DigestCheckingStream(inner, null, expected, expectedSize, null)
{
    private readonly Digest _expected = expected;

    protected override Exception TooLong(long size) => new InvalidDataException($"{what} is longer than its descriptor's size {size}");

    protected override Exception WrongSize(long read, long size) => new InvalidDataException($"{what} has {read} bytes, its descriptor says {size}");

    protected override Exception WrongDigest(Digest actual) => new InvalidDataException($"{what} hashes to {actual}, not to its name {_expected}");
}
