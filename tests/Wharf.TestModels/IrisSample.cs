namespace Wharf.TestModels;

/// <summary>One iris flower: four measurements in centimetres and its species as a class index.</summary>
/// <param name="SepalLength">Sepal length (cm).</param>
/// <param name="SepalWidth">Sepal width (cm).</param>
/// <param name="PetalLength">Petal length (cm).</param>
/// <param name="PetalWidth">Petal width (cm).</param>
/// <param name="Label">Class index into <see cref="IrisData.ClassNames"/>: 0 setosa, 1 versicolor, 2 virginica.</param>
public sealed record IrisSample(float SepalLength, float SepalWidth, float PetalLength, float PetalWidth, int Label)
{
    /// <summary>The features in the column order of the CSV and of the ONNX model's input.</summary>
    public float[] ToFeatures() => [SepalLength, SepalWidth, PetalLength, PetalWidth];
}
