using System.Globalization;

namespace Wharf.TestModels;

/// <summary>
/// The iris data set as shipped by Debian's <c>python3-sklearn</c> package (150 flowers, 4 features, 3 classes),
/// loaded from its CSV and split deterministically into train and test sets.
/// </summary>
public sealed class IrisData
{
    /// <summary>Where Debian's <c>python3-sklearn</c> installs the iris CSV.</summary>
    public const string DebianCsvPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv";

    /// <summary>The Debian package that ships the CSV.</summary>
    public const string DebianPackage = "python3-sklearn";

    /// <summary>Number of features per sample.</summary>
    public const int FeatureCount = 4;

    private IrisData(IReadOnlyList<string> classNames, IReadOnlyList<IrisSample> samples)
    {
        ClassNames = classNames;
        Samples = samples;
    }

    /// <summary>Species names, indexed by <see cref="IrisSample.Label"/>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The samples, in file order (a split keeps the file order within each part).</summary>
    public IReadOnlyList<IrisSample> Samples { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Samples.Count;

    /// <summary>
    /// Loads the CSV. Its first line is not column names but a header sklearn reads as
    /// <c>n_samples,n_features,class name...</c> (<c>150,4,setosa,versicolor,virginica</c>); every other line is
    /// four measurements and a class index.
    /// </summary>
    /// <param name="path">The CSV; <see cref="DebianCsvPath"/> when null.</param>
    /// <exception cref="FileNotFoundException">The file is missing; the message names the Debian package.</exception>
    /// <exception cref="InvalidDataException">The file is not in the expected format.</exception>
    public static IrisData Load(string? path = null)
    {
        path ??= DebianCsvPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The iris CSV was not found at '{path}'. Install the Debian package {DebianPackage} " +
                $"(apt-get install -y {DebianPackage}).", path);
        }

        var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"'{path}' is empty.");
        }

        var header = lines[0].Split(',');
        if (header.Length < 3
            || !int.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sampleCount)
            || !int.TryParse(header[1], NumberStyles.None, CultureInfo.InvariantCulture, out var featureCount)
            || featureCount != FeatureCount)
        {
            throw new InvalidDataException(
                $"'{path}' does not start with the header 'n_samples,{FeatureCount},class names...': '{lines[0]}'.");
        }

        var classNames = header[2..];
        var samples = new List<IrisSample>(sampleCount);
        foreach (var line in lines.Skip(1))
        {
            samples.Add(ParseSample(line, classNames.Length, path));
        }

        if (samples.Count != sampleCount)
        {
            throw new InvalidDataException($"'{path}' announces {sampleCount} samples but holds {samples.Count}.");
        }

        return new IrisData(classNames, samples);
    }

    /// <summary>
    /// Splits into train and test sets, stratified by class: each class is shuffled with <paramref name="seed"/>
    /// and its first <c>round(count * trainFraction)</c> samples go to the train set. The same seed always gives
    /// the same split.
    /// </summary>
    /// <param name="trainFraction">
    /// Fraction of each class that goes to the train set; both parts must get samples of every class.
    /// </param>
    /// <param name="seed">Seed of the shuffle.</param>
    public (IrisData Train, IrisData Test) Split(double trainFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trainFraction, 1.0);

        var random = new Random(seed);
        var trainIndexes = new List<int>();
        var testIndexes = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Samples[i].Label).OrderBy(g => g.Key))
        {
            var indexes = group.ToArray();
            random.Shuffle(indexes);
            var trainCount = (int)Math.Round(indexes.Length * trainFraction, MidpointRounding.AwayFromZero);
            if (trainCount == 0 || trainCount == indexes.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(trainFraction), trainFraction, $"A {trainFraction} split leaves class {group.Key} out of one part.");
            }

            trainIndexes.AddRange(indexes[..trainCount]);
            testIndexes.AddRange(indexes[trainCount..]);
        }

        return (Subset(trainIndexes), Subset(testIndexes));
    }

    /// <summary>The features of all samples as one row-major <c>[Count, 4]</c> matrix, the ONNX model's input.</summary>
    public float[] ToFeatureMatrix() => Samples.SelectMany(sample => sample.ToFeatures()).ToArray();

    /// <summary>The class index of every sample.</summary>
    public int[] ToLabels() => Samples.Select(sample => sample.Label).ToArray();

    private IrisData Subset(List<int> indexes)
    {
        indexes.Sort();
        return new IrisData(ClassNames, indexes.Select(i => Samples[i]).ToArray());
    }

    private static IrisSample ParseSample(string line, int classCount, string path)
    {
        var fields = line.Split(',');
        var values = new float[FeatureCount];
        var valid = fields.Length == FeatureCount + 1;
        for (var i = 0; valid && i < FeatureCount; i++)
        {
            valid = float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]);
        }

        if (!valid
            || !int.TryParse(fields[FeatureCount], NumberStyles.None, CultureInfo.InvariantCulture, out var label)
            || label >= classCount)
        {
            throw new InvalidDataException($"'{path}' has a malformed sample line: '{line}'.");
        }

        return new IrisSample(values[0], values[1], values[2], values[3], label);
    }
}
