using Wharf.Server.Registry;

namespace Wharf.Server.Tests.Registry;

public sealed class RepositoryNameTests
{
    [Theory]
    [InlineData("proj/app", "proj")]
    [InlineData("my-team/models/iris", "my-team")]
    [InlineData("a.b/c__d/e-f---g", "a.b")]
    public void TryParse_Valid_ExposesProject(string value, string project)
    {
        Assert.True(RepositoryName.TryParse(value, out var name, out var error), error);
        Assert.Equal(value, name.Value);
        Assert.Equal(project, name.Project);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("app", "must start with a project")]
    [InlineData("Proj/app", "invalid")]
    [InlineData("proj/../etc", "invalid")]
    [InlineData("proj/%2e%2e/etc", "invalid")]
    [InlineData("/proj/app", "invalid")]
    [InlineData("proj//app", "invalid")]
    [InlineData("proj/app/", "invalid")]
    [InlineData("proj/-app", "invalid")]
    [InlineData("proj/app_", "invalid")]
    [InlineData("proj/a___b", "invalid")]
    [InlineData("proj/\u00e9t\u00e9", "invalid")]
    public void TryParse_Invalid_SaysWhy(string value, string reason)
    {
        Assert.False(RepositoryName.TryParse(value, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLong_IsRejected()
    {
        Assert.False(RepositoryName.TryParse("proj/" + new string('a', 251), out _, out var error));
        Assert.Contains("longer than 255", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.2.3-rc_1", true)]
    [InlineData("_x", true)]
    [InlineData(".hidden", false)]
    [InlineData("-x", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void IsValidTag_FollowsSpecGrammar(string tag, bool valid)
    {
        Assert.Equal(valid, RepositoryName.IsValidTag(tag));
    }

    [Fact]
    public void IsValidTag_129Characters_IsInvalid()
    {
        Assert.True(RepositoryName.IsValidTag(new string('a', 128)));
        Assert.False(RepositoryName.IsValidTag(new string('a', 129)));
    }
}
