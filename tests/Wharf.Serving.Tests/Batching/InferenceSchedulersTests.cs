using Wharf.Serving.Batching;

namespace Wharf.Serving.Tests.Batching;

public sealed class InferenceSchedulersTests
{
    [Theory]
    [InlineData(8, true, typeof(DynamicBatcher))]
    [InlineData(8, false, typeof(BoundedScheduler))]
    [InlineData(1, true, typeof(BoundedScheduler))]
    public async Task Create_PicksBatchingOnlyWhenAllowedAndAsked(int maxBatchSize, bool hasBatchDimension, Type expected)
    {
        await using var scheduler = InferenceSchedulers.Create(
            new FakeRunner(hasBatchDimension), new BatchingOptions { MaxBatchSize = maxBatchSize }, TimeProvider.System);

        Assert.IsType(expected, scheduler);
    }

    [Fact]
    public void Create_InvalidOptions_NamesTheKey()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => InferenceSchedulers.Create(
            new FakeRunner(), new BatchingOptions { MaxBatchSize = 4, MaxQueuedItems = 0 }, TimeProvider.System));

        Assert.Contains("MaxQueuedItems", error.Message, StringComparison.Ordinal);
    }
}
