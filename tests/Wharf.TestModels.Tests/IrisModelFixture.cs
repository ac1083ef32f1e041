namespace Wharf.TestModels.Tests;

/// <summary>Trains the iris classifier once for a test class and writes it as ONNX into a private directory.</summary>
public sealed class IrisModelFixture : IDisposable
{
    public IrisModelFixture()
    {
        (Train, Test) = IrisData.Load().Split(0.8, seed: 1);
        Model = IrisTrainer.Train(Train);
        Directory = System.IO.Directory.CreateTempSubdirectory("wharf-testmodels-");
        ModelPath = Path.Combine(Directory.FullName, "iris.onnx");
        OnnxModelWriter.WriteIris(Model, ModelPath);
    }

    public IrisData Train { get; }

    public IrisData Test { get; }

    public IrisModel Model { get; }

    public DirectoryInfo Directory { get; }

    public string ModelPath { get; }

    public void Dispose() => Directory.Delete(recursive: true);
}
