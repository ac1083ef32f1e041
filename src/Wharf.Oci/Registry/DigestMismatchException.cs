namespace Wharf.Oci.Registry;

/// <summary>Content did not hash to the digest (or have the size) it was asked for by.</summary>
public sealed class DigestMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expected">The digest the content should have.</param>
    /// <param name="actual">The digest it had, when it was read to the end; null when it was cut short by a size mismatch.</param>
    /// <param name="message">What was read from where, and what went wrong.</param>
    public DigestMismatchException(Digest expected, Digest? actual, string message)
        : base(message)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The digest the content should have had.</summary>
    public Digest Expected { get; }

    /// <summary>The digest it had, or null when the size was already wrong.</summary>
    public Digest? Actual { get; }
}
