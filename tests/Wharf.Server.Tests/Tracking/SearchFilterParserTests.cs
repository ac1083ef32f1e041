using Wharf.Server.Tracking;

namespace Wharf.Server.Tests.Tracking;

public sealed class SearchFilterParserTests
{
    [Fact]
    public void ParseRunFilter_AllEntitiesJoinedByAnd_ReadsEachClause()
    {
        var clauses = SearchFilterParser.ParseRunFilter(
            "metrics.acc > 0.9 and params.lr = '0.01' AND tags.t != \"a\" AND attributes.status IN ('FINISHED', 'FAILED') " +
            "and attribute.run_name LIKE 'base%' and run.start_time >= 1700000000000 and tags.`mlflow.source.name` ILIKE '%train%' " +
            "and metric.\"val loss\" <= -1.5e-3 AND attributes.run_id NOT IN ('0123456789abcdef0123456789abcdef')");

        Assert.Equal(9, clauses.Count);
        Assert.Equal(new FilterClause(SearchEntity.Metric, "acc", ">", null, 0.9, null), clauses[0]);
        Assert.Equal(new FilterClause(SearchEntity.Param, "lr", "=", "0.01", null, null), clauses[1]);
        Assert.Equal(new FilterClause(SearchEntity.Tag, "t", "!=", "a", null, null), clauses[2]);
        Assert.Equal(SearchEntity.Attribute, clauses[3].Entity);
        Assert.Equal("status", clauses[3].Key);
        Assert.Equal(["FINISHED", "FAILED"], clauses[3].List!);
        Assert.Equal(("run_name", "LIKE", "base%"), (clauses[4].Key, clauses[4].Comparator, clauses[4].Text));
        Assert.Equal(("start_time", ">=", 1700000000000d), (clauses[5].Key, clauses[5].Comparator, clauses[5].Number!.Value));
        Assert.Equal(("mlflow.source.name", "ILIKE"), (clauses[6].Key, clauses[6].Comparator));
        Assert.Equal(("val loss", "<=", -1.5e-3), (clauses[7].Key, clauses[7].Comparator, clauses[7].Number!.Value));
        Assert.Equal("NOT IN", clauses[8].Comparator);
    }

    [Fact]
    public void ParseRunFilter_QuoteInsideString_IsDoubledAndKeptAsText()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("params.lr = 'x'' OR ''1''=''1'"));

        Assert.Equal("x' OR '1'='1", clause.Text);
    }

    [Theory]
    [InlineData("params.lr = '1' OR 1=1")]
    [InlineData("params.lr = '1' or params.lr = '2'")]
    [InlineData("params.lr = '1'; DROP TABLE tracking_runs")]
    [InlineData("params.lr = '1' -- comment")]
    [InlineData("params.lr = '1' AND (1=1)")]
    [InlineData("(params.lr = '1')")]
    [InlineData("params.lr = 1")]
    [InlineData("params.lr = '1")]
    [InlineData("metrics.acc > 'high'")]
    [InlineData("metrics.acc LIKE '0.9%'")]
    [InlineData("metrics.acc > 0.9 AND")]
    [InlineData("metrics.acc")]
    [InlineData("metrics.acc >")]
    [InlineData("foo.bar = 'x'")]
    [InlineData("attributes.nope = 'x'")]
    [InlineData("attributes.start_time LIKE '1%'")]
    [InlineData("attributes.run_id LIKE 'a%'")]
    [InlineData("params.lr IN 'a'")]
    [InlineData("params.lr IN ('a' 'b')")]
    [InlineData("params.lr IN ('a', 1)")]
    [InlineData("= 'x'")]
    [InlineData("params. = 'x'")]
    [InlineData("tags.t = 'a' AND AND tags.u = 'b'")]
    [InlineData("metrics.acc > 1e999")]
    public void ParseRunFilter_Malformed_IsInvalidParameterValue(string filter)
    {
        var ex = Assert.Throws<MlflowException>(() => SearchFilterParser.ParseRunFilter(filter));

        Assert.Equal(MlflowErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Contains("Invalid search expression", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRunFilter_TooLong_IsRefused()
    {
        var filter = string.Join(" AND ", Enumerable.Range(0, 101).Select(i => $"params.p{i} = 'v'"));

        Assert.Equal(MlflowErrorCode.InvalidParameterValue, Assert.Throws<MlflowException>(() => SearchFilterParser.ParseRunFilter(filter)).ErrorCode);
        Assert.Equal(MlflowErrorCode.InvalidParameterValue, Assert.Throws<MlflowException>(() => SearchFilterParser.ParseRunFilter(new string('a', 10_001))).ErrorCode);
    }

    [Fact]
    public void ParseRunFilter_EmptyOrBlank_HasNoClauses()
    {
        Assert.Empty(SearchFilterParser.ParseRunFilter(null));
        Assert.Empty(SearchFilterParser.ParseRunFilter("  "));
    }

    [Fact]
    public void ParseRunOrderBy_Terms_ReadEntityKeyAndDirection()
    {
        var order = SearchFilterParser.ParseRunOrderBy(["metrics.acc DESC", "attributes.start_time", "params.lr asc", "tags.`a b` DESC", "start_time"]);

        Assert.Equal(
            [
                new OrderByClause(SearchEntity.Metric, "acc", false),
                new OrderByClause(SearchEntity.Attribute, "start_time", true),
                new OrderByClause(SearchEntity.Param, "lr", true),
                new OrderByClause(SearchEntity.Tag, "a b", false),
                new OrderByClause(SearchEntity.Attribute, "start_time", true),
            ],
            order);
    }

    [Theory]
    [InlineData("metrics.acc DOWN")]
    [InlineData("metrics.acc DESC, params.lr")]
    [InlineData("metrics.acc DESC; DROP TABLE x")]
    [InlineData("attributes.bogus")]
    public void ParseRunOrderBy_Malformed_IsInvalidParameterValue(string term)
    {
        Assert.Equal(MlflowErrorCode.InvalidParameterValue, Assert.Throws<MlflowException>(() => SearchFilterParser.ParseRunOrderBy([term])).ErrorCode);
    }

    [Fact]
    public void ParseExperimentFilter_NameAndTags_AreAllowedMetricsAreNot()
    {
        var clauses = SearchFilterParser.ParseExperimentFilter("name LIKE 'ml/%' AND tags.team = 'a' AND attribute.creation_time > 5");

        Assert.Equal(3, clauses.Count);
        Assert.Throws<MlflowException>(() => SearchFilterParser.ParseExperimentFilter("metrics.acc > 1"));
        Assert.Throws<MlflowException>(() => SearchFilterParser.ParseExperimentFilter("params.lr = '1'"));
    }

    [Theory]
    [InlineData("100%", "100*")]
    [InlineData("a_b", "a?b")]
    [InlineData("x*y?[z]", "x[*]y[?][[]z]")]
    public void ToGlob_TranslatesLikeWildcardsAndEscapesGlobOnes(string like, string glob)
    {
        Assert.Equal(glob, SqlPredicates.ToGlob(like));
    }
}
