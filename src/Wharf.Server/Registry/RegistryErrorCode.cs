namespace Wharf.Server.Registry;

/// <summary>The error codes of the OCI distribution specification, with the HTTP status each is sent with.</summary>
internal sealed record RegistryErrorCode(string Code, int Status, string Message)
{
    public static readonly RegistryErrorCode BlobUnknown = new("BLOB_UNKNOWN", 404, "blob unknown to registry");
    public static readonly RegistryErrorCode BlobUploadInvalid = new("BLOB_UPLOAD_INVALID", 400, "blob upload invalid");
    public static readonly RegistryErrorCode BlobUploadUnknown = new("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry");
    public static readonly RegistryErrorCode DigestInvalid = new("DIGEST_INVALID", 400, "provided digest did not match uploaded content");
    public static readonly RegistryErrorCode ManifestBlobUnknown = new("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry");
    public static readonly RegistryErrorCode ManifestInvalid = new("MANIFEST_INVALID", 400, "manifest invalid");
    public static readonly RegistryErrorCode ManifestUnknown = new("MANIFEST_UNKNOWN", 404, "manifest unknown to registry");
    public static readonly RegistryErrorCode NameInvalid = new("NAME_INVALID", 400, "invalid repository name");
    public static readonly RegistryErrorCode NameUnknown = new("NAME_UNKNOWN", 404, "repository name not known to registry");
    public static readonly RegistryErrorCode SizeInvalid = new("SIZE_INVALID", 400, "provided length did not match content length");
    public static readonly RegistryErrorCode ManifestTooLarge = new("SIZE_INVALID", 413, "manifest too large");
    public static readonly RegistryErrorCode RangeInvalid = new("BLOB_UPLOAD_INVALID", 416, "requested range not satisfiable");
    public static readonly RegistryErrorCode Unauthorized = new("UNAUTHORIZED", 401, "authentication required");
    public static readonly RegistryErrorCode Denied = new("DENIED", 403, "requested access to the resource is denied");
    public static readonly RegistryErrorCode Unsupported = new("UNSUPPORTED", 405, "the operation is unsupported");
    public static readonly RegistryErrorCode TooManyRequests = new("TOOMANYREQUESTS", 429, "too many requests");
    public static readonly RegistryErrorCode Unavailable = new("UNAVAILABLE", 503, "service unavailable");
    public static readonly RegistryErrorCode InsufficientStorage = new("UNAVAILABLE", 507, "insufficient storage: the server's disk is full");
    public static readonly RegistryErrorCode PaginationNumberInvalid = new("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested");

    // The specification has no code for "still in use"; DENIED is the one clients already show as a refusal, and 409
    // says it is the state of the repository, not the caller's permissions, that stands in the way.
    public static readonly RegistryErrorCode StillReferenced = new("DENIED", 409, "content is referenced by a manifest");
    public static readonly RegistryErrorCode Unknown = new("UNKNOWN", 500, "unknown error");
}
