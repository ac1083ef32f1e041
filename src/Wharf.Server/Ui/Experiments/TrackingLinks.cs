using System.Globalization;
using Wharf.Server.Ui.Shared;

namespace Wharf.Server.Ui.Experiments;

/// <summary>The tracking pages' URLs. Run ids are 32 hex digits and experiment ids numbers, so neither needs escaping.</summary>
internal static class TrackingLinks
{
    public const string Home = "/experiments";

    public const string ComparePath = "/runs/compare";

    public static string Experiments(string? filter, int offset, int? pageSize) => PageUrl.WithQuery(
        Home,
        ("q", filter),
        ("offset", offset > 0 ? offset.ToString(CultureInfo.InvariantCulture) : null),
        ("n", pageSize?.ToString(CultureInfo.InvariantCulture)));

    public static string Experiment(long id) => $"{Home}/{id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The runs table of an experiment with everything the table's URL carries.</summary>
    public static string Runs(long experimentId, RunsTableQuery query) => PageUrl.WithQuery(
        Experiment(experimentId),
        ("filter", query.Filter),
        ("sort", query.Sort),
        ("dir", query.Sort is null ? null : query.Descending ? "desc" : "asc"),
        ("metrics", query.Metrics.Count == 0 ? null : string.Join(',', query.Metrics)),
        ("params", query.Params.Count == 0 ? null : string.Join(',', query.Params)),
        ("page", query.PageToken),
        ("n", query.PageSize?.ToString(CultureInfo.InvariantCulture)));

    public static string Run(string runId) => $"/runs/{runId}";

    /// <summary>
    /// The run page showing an artifact directory or file (the root when <paramref name="artifactPath"/> is empty).
    /// Segments are escaped one by one, so the slashes stay readable in the address bar.
    /// </summary>
    public static string Run(string runId, string? artifactPath) =>
        string.IsNullOrEmpty(artifactPath) ? Run(runId) : $"{Run(runId)}?path={EscapePath(artifactPath)}";

    /// <summary>As <see cref="Run(string, string?)"/>, scrolled to the artifact browser: how the browser's own links go.</summary>
    public static string RunArtifacts(string runId, string? artifactPath) => Run(runId, artifactPath) + "#artifacts";

    /// <summary>A file's download through the MLflow artifact proxy, which the session cookie authorizes like any request.</summary>
    public static string ArtifactDownload(long experimentId, string runId, string artifactPath) =>
        $"/api/2.0/mlflow-artifacts/artifacts/{experimentId.ToString(CultureInfo.InvariantCulture)}/{runId}/artifacts/{EscapePath(artifactPath)}";

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public static string Compare(IEnumerable<string> runIds) => PageUrl.WithQuery(ComparePath, ("ids", string.Join(',', runIds)));
}
