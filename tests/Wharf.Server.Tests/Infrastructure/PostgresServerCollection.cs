namespace Wharf.Server.Tests.Infrastructure;

/// <summary>
/// The tests that share one <see cref="PostgresServer"/>: mark a class <c>[Collection(PostgresServerCollection.Name)]</c>
/// and take the server in its constructor. xUnit starts the server before the first such test and removes it after
/// the last one. Tests in a collection run one after another; each still gets its own database.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
