using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

internal sealed partial class ModelStore
{
    /// <summary>One page of the models of <paramref name="projects"/> (null: every project) that match the filter, filtered in SQL.</summary>
    public async Task<(List<ModelView> Models, string? NextPageToken)> SearchModelsAsync(
        AuthPrincipal caller, List<long>? projects, IReadOnlyList<ModelFilter.Clause> filter, IReadOnlyList<string> orderBy, int maxResults, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        var query = db.RegisteredModels.AsNoTracking();
        if (projects is not null)
        {
            query = query.Where(m => projects.Contains(m.ProjectId));
        }

        query = FilterModels(query, filter);
        var (column, ascending) = Order(orderBy, ["name", "timestamp", "last_updated_timestamp", "creation_timestamp"], ("name", true));
        query = (column, ascending) switch
        {
            ("name", true) => query.OrderBy(m => m.Name).ThenBy(m => m.Id),
            ("name", false) => query.OrderByDescending(m => m.Name).ThenBy(m => m.Id),
            ("creation_timestamp", true) => query.OrderBy(m => m.CreationTime).ThenBy(m => m.Name).ThenBy(m => m.Id),
            ("creation_timestamp", false) => query.OrderByDescending(m => m.CreationTime).ThenBy(m => m.Name).ThenBy(m => m.Id),
            (_, true) => query.OrderBy(m => m.LastUpdatedTime).ThenBy(m => m.Name).ThenBy(m => m.Id),
            (_, false) => query.OrderByDescending(m => m.LastUpdatedTime).ThenBy(m => m.Name).ThenBy(m => m.Id),
        };

        var offset = PageToken.ReadOffset(pageToken);
        var rows = await (
            from m in query.Skip((int)Math.Min(offset, int.MaxValue)).Take(maxResults + 1)
            join p in db.Projects on m.ProjectId equals p.Id
            select new { Model = m, Project = p.Name }).ToListAsync(cancellationToken);
        var next = rows.Count > maxResults ? PageToken.Offset(offset + maxResults) : null;
        var page = rows.Take(maxResults).Select(r => (r.Model, r.Project)).ToList();
        return (page.Count == 0 ? [] : await ViewsAsync(caller, page, cancellationToken), next);
    }

    /// <summary>One page of the versions of readable models that match the filter.</summary>
    public async Task<(List<VersionView> Versions, string? NextPageToken)> SearchVersionsAsync(
        AuthPrincipal caller, List<long>? projects, IReadOnlyList<ModelFilter.Clause> filter, IReadOnlyList<string> orderBy, int maxResults, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        var models = db.RegisteredModels.AsNoTracking();
        if (projects is not null)
        {
            models = models.Where(m => projects.Contains(m.ProjectId));
        }

        models = FilterModels(models, filter.Where(c => !c.IsTag && c.Key == "name").ToList());
        var modelIds = models.Select(m => m.Id);
        var query = db.ModelVersions.AsNoTracking().Where(v => modelIds.Contains(v.ModelId));
        foreach (var clause in filter)
        {
            if (clause.IsTag)
            {
                var tags = WhereString(db.ModelVersionTags.Where(t => t.Key == clause.Key), t => t.Value, clause).Select(t => t.VersionId);
                query = query.Where(v => tags.Contains(v.Id));
            }
            else if (clause.Key == "run_id")
            {
                query = WhereString(query, v => v.RunId, clause);
            }
            else if (clause.Key == "source_path")
            {
                query = WhereString(query, v => v.Source, clause);
            }
        }

        var (column, ascending) = Order(orderBy, ["name", "version_number", "creation_timestamp", "last_updated_timestamp", "timestamp"], ("version_number", false));
        query = (column, ascending) switch
        {
            ("version_number", true) => query.OrderBy(v => v.Version).ThenBy(v => v.Id),
            ("version_number", false) => query.OrderByDescending(v => v.Version).ThenBy(v => v.Id),
            ("name", true) => query.OrderBy(v => v.ModelId).ThenByDescending(v => v.Version),
            ("name", false) => query.OrderByDescending(v => v.ModelId).ThenByDescending(v => v.Version),
            ("creation_timestamp", true) => query.OrderBy(v => v.CreationTime).ThenBy(v => v.Id),
            ("creation_timestamp", false) => query.OrderByDescending(v => v.CreationTime).ThenBy(v => v.Id),
            (_, true) => query.OrderBy(v => v.LastUpdatedTime).ThenBy(v => v.Id),
            (_, false) => query.OrderByDescending(v => v.LastUpdatedTime).ThenBy(v => v.Id),
        };

        var offset = PageToken.ReadOffset(pageToken);
        var rows = await query.Skip((int)Math.Min(offset, int.MaxValue)).Take(maxResults + 1).ToListAsync(cancellationToken);
        var next = rows.Count > maxResults ? PageToken.Offset(offset + maxResults) : null;
        var page = rows.Take(maxResults).ToList();
        var ids = page.Select(v => v.ModelId).Distinct().ToList();
        var names = await (
            from m in db.RegisteredModels
            join p in db.Projects on m.ProjectId equals p.Id
            where ids.Contains(m.Id)
            select new { m.Id, m.Name, Project = p.Name }).ToDictionaryAsync(x => x.Id, x => (x.Name, x.Project), cancellationToken);
        return (await VersionViewsAsync(caller, page, names, cancellationToken), next);
    }

    private IQueryable<RegisteredModel> FilterModels(IQueryable<RegisteredModel> query, IReadOnlyList<ModelFilter.Clause> filter)
    {
        foreach (var clause in filter)
        {
            if (clause.IsTag)
            {
                var tags = WhereString(db.RegisteredModelTags.Where(t => t.Key == clause.Key), t => t.Value, clause).Select(t => t.ModelId);
                query = query.Where(m => tags.Contains(m.Id));
            }
            else if (clause.Key == "name")
            {
                // A qualified name ('<project>/<model>') compares its model part; the project is the caller's to choose by token.
                var values = clause.Values.Select(v => v.Contains('/', StringComparison.Ordinal) && clause.Comparator is "=" or "!=" or "IN" ? v[(v.IndexOf('/', StringComparison.Ordinal) + 1)..] : v).ToList();
                query = WhereString(query, m => m.Name, clause with { Values = values });
            }
        }

        return query;
    }

    private IQueryable<T> WhereString<T>(IQueryable<T> query, Expression<Func<T, string>> column, ModelFilter.Clause clause)
    {
        var predicates = new SqlPredicates(db.Database.IsSqlite());
        var filterClause = new FilterClause(SearchEntity.Attribute, clause.Key, clause.Comparator, clause.Comparator == "IN" ? null : clause.Values[0], null, clause.Comparator == "IN" ? clause.Values : null);
        var body = predicates.String(column.Body, filterClause);
        return query.Where(Expression.Lambda<Func<T, bool>>(body, column.Parameters));
    }

    private static (string Column, bool Ascending) Order(IReadOnlyList<string> orderBy, string[] columns, (string, bool) fallback)
    {
        if (orderBy.Count == 0)
        {
            return fallback;
        }

        if (orderBy.Count > 1)
        {
            throw MlflowException.Invalid("order_by takes at most one term here.");
        }

        var parts = orderBy[0].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var column = parts.Length > 0 ? parts[0] : "";
        column = column.StartsWith("attributes.", StringComparison.Ordinal) ? column["attributes.".Length..] : column;
        var direction = parts.Length > 1 ? parts[1].ToUpperInvariant() : "ASC";
        return parts.Length is 1 or 2 && columns.Contains(column) && direction is "ASC" or "DESC"
            ? (column, direction == "ASC")
            : throw MlflowException.Invalid($"Invalid order_by clause '{MlflowRequest.Clip(orderBy[0])}': use one of {string.Join(", ", columns)} with ASC or DESC.");
    }
}
