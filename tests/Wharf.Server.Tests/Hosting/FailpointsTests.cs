using Wharf.Server.Hosting;
using Wharf.Server.Storage;

namespace Wharf.Server.Tests.Hosting;

public sealed class FailpointsTests
{
    [Fact]
    public void Parse_NullOrBlank_ReturnsNull()
    {
        Assert.Null(Failpoints.Parse(null));
        Assert.Null(Failpoints.Parse(" "));
    }

    [Fact]
    public void Parse_ListOfRules_ReadsEachNameActionAndStartHit()
    {
        var rules = Failpoints.Parse("blob.beforeRename=pause, blob.write=enospc@3,x=exit,y=throw");

        Assert.NotNull(rules);
        Assert.Equal(Failpoints.FailAction.Pause, rules["blob.beforeRename"].Action);
        Assert.Equal(1, rules["blob.beforeRename"].FromHit);
        Assert.Equal(Failpoints.FailAction.Enospc, rules["blob.write"].Action);
        Assert.Equal(3, rules["blob.write"].FromHit);
        Assert.Equal(Failpoints.FailAction.Exit, rules["x"].Action);
        Assert.Equal(Failpoints.FailAction.Throw, rules["y"].Action);
    }

    [Theory]
    [InlineData("blob.write")]
    [InlineData("=pause")]
    [InlineData("blob.write=explode")]
    [InlineData("blob.write=pause@0")]
    [InlineData("blob.write=pause@x")]
    public void Parse_Malformed_ThrowsNamingTheVariable(string specification)
    {
        var ex = Assert.Throws<FormatException>(() => Failpoints.Parse(specification));

        Assert.StartsWith(Failpoints.EnvironmentVariable, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hit_NothingEnabled_DoesNothing()
        => Failpoints.Hit("test.nothing");

    [Fact]
    public void Hit_EnospcEnabled_ThrowsDiskFullFromTheStartHitOn()
    {
        using var scope = Failpoints.Enable("test.enospc", Failpoints.FailAction.Enospc, fromHit: 2);

        Failpoints.Hit("test.enospc");
        var ex = Assert.Throws<IOException>(() => Failpoints.Hit("test.enospc"));
        Assert.Throws<IOException>(() => Failpoints.Hit("test.enospc"));

        Assert.True(ex.IsDiskFull());
        Assert.Equal(3, scope.Hits);
    }

    [Fact]
    public void Hit_AfterScopeDisposed_DoesNothing()
    {
        using (Failpoints.Enable("test.disposed", Failpoints.FailAction.Throw))
        {
            Assert.Throws<InvalidOperationException>(() => Failpoints.Hit("test.disposed"));
        }

        Failpoints.Hit("test.disposed");
    }

    [Fact]
    public async Task Hit_OtherAsyncFlow_IsNotAffected()
    {
        var other = Task.Run(async () =>
        {
            await Task.Delay(1);
            Failpoints.Hit("test.scoped");
        });

        using (Failpoints.Enable("test.scoped", Failpoints.FailAction.Throw))
        {
            await other;
            Assert.Throws<InvalidOperationException>(() => Failpoints.Hit("test.scoped"));
        }
    }
}
