namespace Wharf.Server.Registry;

/// <summary>
/// Which repositories a caller may see in a listing, as a filter the database applies: every repository, those of
/// some projects (a token's or session's memberships), or some named repositories (a registry JWT's <c>access</c>
/// claim). Listings page through the filtered query, so a caller with access to a few repositories among millions
/// reads a few rows.
/// </summary>
internal sealed record RepositoryVisibility(bool All, IReadOnlyCollection<string> Projects, IReadOnlyCollection<string> Repositories)
{
    public static RepositoryVisibility Everything { get; } = new(true, [], []);

    public static RepositoryVisibility Nothing { get; } = new(false, [], []);

    public static RepositoryVisibility OfProjects(IReadOnlyCollection<string> projects) => new(false, projects, []);

    public static RepositoryVisibility OfRepositories(IReadOnlyCollection<string> repositories) => new(false, [], repositories);

    /// <summary>Narrows a repository query to what is visible.</summary>
    public IQueryable<RegistryRepository> Apply(IQueryable<RegistryRepository> query)
    {
        if (All)
        {
            return query;
        }

        var projects = Projects.ToList();
        var repositories = Repositories.ToList();
        return query.Where(r => projects.Contains(r.Project) || repositories.Contains(r.Name));
    }
}
