using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tracking;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Tracking;

/// <summary>
/// Search is one SQL statement that filters, orders and pages: EF would throw on anything it had to evaluate in
/// memory, and the statement carries the filter's values as parameters, never as text.
/// </summary>
public abstract class RunSearchSqlTests(ITestOutputHelper output)
{
    private protected abstract PostgresServer? Postgres { get; }

    [Fact]
    public async Task RunSearchQuery_FilterAndOrder_TranslateToOneParameterisedStatement()
    {
        await using var server = await TrackingTestServer.StartAsync(Postgres);
        await using var scope = server.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<TrackingStore>();
        const string Hostile = "x' OR '1'='1";

        var query = store.RunSearchQuery(
            [1, 2],
            SearchFilterParser.ParseRunFilter($"metrics.acc > 0.9 AND params.lr = '{Hostile.Replace("'", "''", StringComparison.Ordinal)}' AND tags.t LIKE 'a%' AND attributes.status IN ('RUNNING')"),
            SearchFilterParser.ParseRunOrderBy(["metrics.acc DESC", "params.lr"]),
            ViewType.ActiveOnly).Skip(100).Take(51);
        var sql = query.ToQueryString();
        output.WriteLine(sql);
        var runs = await query.ToListAsync();

        Assert.Empty(runs);
        // Each key-value clause is one IN-subquery over its (key, value) index, not a per-run probe.
        Assert.Equal(3, CountOf(sql.Replace("\"", "", StringComparison.Ordinal), "run_uuid IN ("));
        Assert.Equal(0, CountOf(sql, "EXISTS"));
        Assert.Contains("ORDER BY", sql, StringComparison.Ordinal);
        Assert.Contains("LIMIT", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("OR '1'='1", sql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal) && !l.Contains("DECLARE", StringComparison.Ordinal) && !l.StartsWith(".param", StringComparison.Ordinal)).Aggregate("", (a, b) => a + b), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
