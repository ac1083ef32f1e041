using Wharf.Server.Ui.Shared;

namespace Wharf.Server.Ui.Registry;

/// <summary>
/// The registry browser's URLs. Repository names contain slashes, so a repository is the catch-all tail of
/// <c>/registry/…</c>, and a manifest, which needs a name and a digest or tag, is addressed by query string on
/// <c>/registry/manifest</c>; no valid repository is called <c>manifest</c> (names need a project prefix), so the two
/// never collide.
/// </summary>
internal static class RegistryLinks
{
    public const string Home = "/registry";

    public const string ManifestPath = "/registry/manifest";

    /// <summary>The list of repositories, optionally filtered, from after <paramref name="last"/>.</summary>
    public static string List(string? filter, string? last, int? pageSize)
        => PageUrl.WithQuery(Home, ("q", filter), ("last", last), ("n", Number(pageSize)));

    /// <summary>A repository's page (its tags), from after <paramref name="last"/>.</summary>
    public static string Repository(string name, string? last = null, int? pageSize = null)
        // Valid names are [a-z0-9._-] and '/', none of which needs escaping in a path.
        => PageUrl.WithQuery($"{Home}/{name}", ("last", last), ("n", Number(pageSize)));

    public static string ManifestByDigest(string repository, string digest)
        => PageUrl.WithQuery(ManifestPath, ("repository", repository), ("digest", digest));

    public static string ManifestByTag(string repository, string tag)
        => PageUrl.WithQuery(ManifestPath, ("repository", repository), ("tag", tag));

    private static string? Number(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
