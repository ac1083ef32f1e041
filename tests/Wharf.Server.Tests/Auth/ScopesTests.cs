using Wharf.Server.Auth;

namespace Wharf.Server.Tests.Auth;

public sealed class ScopesTests
{
    [Theory]
    [InlineData("registry:*")]
    [InlineData("*")]
    [InlineData("registry:pull:extra")]
    [InlineData("Registry:Pull")]
    [InlineData("registry:pull ")]
    [InlineData("registry:")]
    [InlineData("")]
    public void TryParse_UnknownOrWildcard_Rejected(string value)
    {
        Assert.False(Scopes.TryParse(value, out var scope));
        Assert.Equal(Scope.None, scope);
    }

    [Fact]
    public void TryParse_EveryKnownName_RoundTrips()
    {
        foreach (var (scope, name) in Scopes.Known)
        {
            Assert.True(Scopes.TryParse(name, out var parsed));
            Assert.Equal(scope, parsed);
            Assert.Equal([name], Scopes.Names(scope));
        }
    }

    [Fact]
    public void TryParse_ListWithOneBadName_FailsAndNamesIt()
    {
        Assert.False(Scopes.TryParse(["registry:pull", "jobs:*"], out _, out var invalid));
        Assert.Equal("jobs:*", invalid);
    }

    [Fact]
    public void ScopesOf_Roles_AreNestedAndMatchTheDocumentedSets()
    {
        Assert.Equal(["registry:pull", "tracking:read", "models:read", "jobs:read", "serving:read"], Scopes.Names(ProjectRoles.ScopesOf(ProjectRole.Viewer)));
        Assert.Equal(
            ["registry:pull", "registry:push", "tracking:read", "tracking:write", "models:read", "models:write", "jobs:read", "jobs:run", "jobs:cancel", "serving:read", "serving:invoke"],
            Scopes.Names(ProjectRoles.ScopesOf(ProjectRole.Developer)));
        Assert.Equal(ProjectRoles.Developer | Scope.RegistryDelete | Scope.ModelsPromote | Scope.ServingDeploy, ProjectRoles.ScopesOf(ProjectRole.Maintainer));
        Assert.Equal(Scopes.All, ProjectRoles.ScopesOf(ProjectRole.Owner));
        Assert.Equal(Scope.None, ProjectRoles.ScopesOf((ProjectRole)99));
    }

    [Theory]
    [InlineData("ml", true)]
    [InlineData("ml-team.v2_x", true)]
    [InlineData("ML", false)]
    [InlineData("-ml", false)]
    [InlineData("ml/x", false)]
    [InlineData("ml..x", false)]
    [InlineData("", false)]
    public void IsValidName_ProjectNames_FollowRegistryComponentGrammar(string name, bool valid)
    {
        Assert.Equal(valid, Project.IsValidName(name));
    }

    [Fact]
    public void IsValidName_65Characters_Rejected()
    {
        Assert.True(Project.IsValidName(new string('a', 64)));
        Assert.False(Project.IsValidName(new string('a', 65)));
    }
}
