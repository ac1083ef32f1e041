namespace Wharf.Serving.Tests.Infrastructure;

/// <summary>The protocol test classes share one <see cref="ServingFixture"/> server.</summary>
[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
