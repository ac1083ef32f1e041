using System.Globalization;
using Wharf.Server.Ui.Shared;

namespace Wharf.Server.Ui.Models;

/// <summary>
/// The model pages' URLs. Project and model names are <c>[a-z0-9._-]</c> (one OCI path component each), so neither
/// needs escaping in a path; the filter goes through the query string, escaped.
/// </summary>
internal static class ModelLinks
{
    public const string Home = "/models";

    public static string List(string? filter, int offset, int? pageSize) => PageUrl.WithQuery(
        Home,
        ("q", filter),
        ("offset", offset > 0 ? offset.ToString(CultureInfo.InvariantCulture) : null),
        ("n", pageSize?.ToString(CultureInfo.InvariantCulture)));

    public static string Model(string project, string name) => $"{Home}/{project}/{name}";

    public static string Versions(string project, string name, int offset, int? pageSize) => PageUrl.WithQuery(
        Model(project, name),
        ("offset", offset > 0 ? offset.ToString(CultureInfo.InvariantCulture) : null),
        ("n", pageSize?.ToString(CultureInfo.InvariantCulture)));

    public static string Version(string project, string name, int version) =>
        $"{Model(project, name)}/versions/{version.ToString(CultureInfo.InvariantCulture)}";
}
