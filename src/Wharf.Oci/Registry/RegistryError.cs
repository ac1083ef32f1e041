namespace Wharf.Oci.Registry;

/// <summary>One entry of the OCI error envelope <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
/// <param name="Code">The error code, for example <c>BLOB_UNKNOWN</c>.</param>
/// <param name="Message">The registry's message.</param>
/// <param name="Detail">The detail, as raw JSON text, or null.</param>
public sealed record RegistryError(string Code, string? Message, string? Detail = null);
