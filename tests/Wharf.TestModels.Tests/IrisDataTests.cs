namespace Wharf.TestModels.Tests;

public sealed class IrisDataTests
{
    [Fact]
    public void Load_DebianCsv_Has150SamplesOf3ClassesWithHeaderNotAsData()
    {
        var data = IrisData.Load();

        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal(150, data.Count);
        Assert.Equal([50, 50, 50], data.Samples.CountBy(s => s.Label).OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Equal(new IrisSample(5.1f, 3.5f, 1.4f, 0.2f, 0), data.Samples[0]);
        Assert.Equal(new IrisSample(5.9f, 3.0f, 5.1f, 1.8f, 2), data.Samples[^1]);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheDebianPackage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wharf-missing-{Guid.NewGuid():N}", "iris.csv");

        var error = Assert.Throws<FileNotFoundException>(() => IrisData.Load(path));

        Assert.Contains("python3-sklearn", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,0\n")]
    [InlineData("1,4,a,b,c\n5.1,3.5,1.4,0.2,7\n")]
    [InlineData("1,4,a,b,c\n5.1,3.5,1.4,0.2\n")]
    [InlineData("2,4,a,b,c\n5.1,3.5,1.4,0.2,0\n")]
    public void Load_MalformedFile_ThrowsInvalidData(string content)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, content);

            Assert.Throws<InvalidDataException>(() => IrisData.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Split_EightyTwenty_IsStratifiedAndDisjointAndComplete()
    {
        var data = IrisData.Load();

        var (train, test) = data.Split(0.8, seed: 1);

        Assert.Equal(120, train.Count);
        Assert.Equal(30, test.Count);
        Assert.All(train.Samples.CountBy(s => s.Label), p => Assert.Equal(40, p.Value));
        Assert.All(test.Samples.CountBy(s => s.Label), p => Assert.Equal(10, p.Value));
        var all = train.Samples.Concat(test.Samples).Select(s => s.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(data.Samples.Select(s => s.ToString()).Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public void Split_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var data = IrisData.Load();

        var first = data.Split(0.8, seed: 1).Test.Samples;
        var again = data.Split(0.8, seed: 1).Test.Samples;
        var other = data.Split(0.8, seed: 2).Test.Samples;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void Split_FractionLeavingAPartWithoutAClass_Throws(double trainFraction)
    {
        var data = IrisData.Load();

        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(trainFraction, seed: 1));
    }
}
