namespace Wharf.Oci.Layout;

/// <summary>
/// An OCI image layout is missing, malformed or hostile (bad digests, oversized or inconsistent files), or does not
/// hold what was asked for. The message says which file or reference and what is wrong.
/// </summary>
public sealed class OciLayoutException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public OciLayoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public OciLayoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
