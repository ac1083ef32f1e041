namespace Wharf.Server.Registry;

/// <summary>What a <c>/v2/...</c> path addresses.</summary>
internal enum RegistryResource
{
    Base,
    Catalog,
    Manifest,
    Blob,
    UploadStart,
    Upload,
    Tags,
    Referrers,
}

/// <summary>
/// A parsed <c>/v2/</c> path. Repository names contain slashes, so routes cannot be expressed as ASP.NET route
/// templates (a catch-all must come last); the path is read from its END instead: the trailing segments say what is
/// addressed (<c>manifests/&lt;ref&gt;</c>, <c>blobs/&lt;digest&gt;</c>, <c>blobs/uploads/[&lt;id&gt;]</c>,
/// <c>tags/list</c>, <c>referrers/&lt;digest&gt;</c>) and everything before them is the repository name.
/// </summary>
internal readonly record struct RegistryRoute(RegistryResource Resource, string? Name, string? Reference)
{
    /// <summary>Parses the part after <c>/v2/</c>; null when it addresses nothing the registry serves.</summary>
    public static RegistryRoute? Parse(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return new RegistryRoute(RegistryResource.Base, null, null);
        }

        if (path == "_catalog")
        {
            return new RegistryRoute(RegistryResource.Catalog, null, null);
        }

        var segments = path.Split('/');
        var n = segments.Length;
        if (n >= 3 && segments[n - 2] == "tags" && segments[n - 1] == "list")
        {
            return Named(RegistryResource.Tags, segments, n - 2, null);
        }

        if (n >= 3 && segments[n - 2] == "uploads" && segments[n - 3] == "blobs" && n >= 4)
        {
            // ".../blobs/uploads/" (trailing slash) starts an upload; ".../blobs/uploads/<id>" addresses one.
            return segments[n - 1].Length == 0
                ? Named(RegistryResource.UploadStart, segments, n - 3, null)
                : Named(RegistryResource.Upload, segments, n - 3, segments[n - 1]);
        }

        if (n >= 3 && segments[n - 1] == "uploads" && segments[n - 2] == "blobs")
        {
            return Named(RegistryResource.UploadStart, segments, n - 2, null);
        }

        if (n >= 3 && segments[n - 1].Length > 0)
        {
            var resource = segments[n - 2] switch
            {
                "manifests" => RegistryResource.Manifest,
                "blobs" => RegistryResource.Blob,
                "referrers" => RegistryResource.Referrers,
                _ => (RegistryResource?)null,
            };
            if (resource is { } r)
            {
                return Named(r, segments, n - 2, segments[n - 1]);
            }
        }

        return null;
    }

    private static RegistryRoute? Named(RegistryResource resource, string[] segments, int nameSegments, string? reference)
        => nameSegments <= 0 ? null : new RegistryRoute(resource, string.Join('/', segments, 0, nameSegments), reference);
}
