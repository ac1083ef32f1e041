namespace Wharf.Server.Tests.Storage;

/// <summary>
/// Tests that measure the process's allocations run alone, so that other tests' allocations do not count against
/// them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemorySensitiveCollection
{
    public const string Name = "Memory-sensitive";
}
