using System.Net;

namespace Wharf.Oci.Registry;

/// <summary>A registry refused a request, or kept failing after the client's retries.</summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the request.</param>
    /// <param name="statusCode">The last HTTP status, or null when the connection failed.</param>
    /// <param name="errors">The registry's error envelope entries.</param>
    /// <param name="innerException">The transport failure, if any.</param>
    public RegistryException(string message, HttpStatusCode? statusCode, IReadOnlyList<RegistryError> errors, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">What failed.</param>
    public RegistryException(string message)
        : this(message, null, [])
    {
    }

    /// <summary>The last HTTP status, or null when the connection itself failed.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The codes and messages of the registry's error envelope (empty when it sent none).</summary>
    public IReadOnlyList<RegistryError> Errors { get; }

    /// <summary>True when the registry said the error code <paramref name="code"/>.</summary>
    /// <param name="code">An error code such as <c>MANIFEST_UNKNOWN</c>.</param>
    /// <returns>Whether any entry has that code.</returns>
    public bool HasCode(string code) => Errors.Any(e => string.Equals(e.Code, code, StringComparison.Ordinal));
}
