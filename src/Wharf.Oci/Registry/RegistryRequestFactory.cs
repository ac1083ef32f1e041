namespace Wharf.Oci.Registry;

/// <summary>Builds the requests of one operation on one repository, all under the same token scope set.</summary>
internal sealed class RegistryRequestFactory
{
    public RegistryRequestFactory(Uri baseUri, ImageReference repository, IReadOnlyList<string> scopes)
    {
        BaseUri = baseUri;
        Repository = repository;
        Scopes = scopes;
    }

    public Uri BaseUri { get; }

    public ImageReference Repository { get; }

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scope set for reading a repository.</summary>
    public static string[] PullScopes(string repository) => [$"repository:{repository}:pull"];

    /// <summary>The scope set for pushing to a repository, plus pull on a mount's source.</summary>
    public static string[] PushScopes(string repository, string? mountFrom)
        => mountFrom is null || mountFrom == repository
            ? [$"repository:{repository}:pull,push"]
            : [$"repository:{repository}:pull,push", $"repository:{mountFrom}:pull"];

    public RegistryRequest Create(HttpMethod method, Uri uri) => new(method, uri, Repository.Registry, Scopes);

    /// <summary>A request to <c>/v2/&lt;repository&gt;/&lt;relative&gt;</c>.</summary>
    public RegistryRequest Path(HttpMethod method, string relative)
        => Create(method, new Uri(BaseUri, $"v2/{Repository.Repository}/{relative}"));

    public RegistryRequest Blob(HttpMethod method, Digest digest)
        => Path(method, $"blobs/{digest}") with { FollowRedirects = true };
}
