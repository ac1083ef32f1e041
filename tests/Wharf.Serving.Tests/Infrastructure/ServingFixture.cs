using Wharf.TestModels;

namespace Wharf.Serving.Tests.Infrastructure;

/// <summary>
/// One server shared by the protocol tests: an Identity model per datatype (<c>id_fp32</c>, <c>id_bytes</c>, ...,
/// shape [batch, 3]), a fixed-shape model without batch dimension (<c>fixed</c>, FP32 [2, 2]), a model with two
/// versions (<c>versioned</c>: 1 is FP32, 2 is INT32) and the iris classifier trained with ML.NET. The request limit is
/// 1 MiB so the 413 tests stay small.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    public const long MaxRequestBytes = 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, int> IdentityModels = new Dictionary<string, int>
    {
        ["BOOL"] = TestOnnxModels.Bool,
        ["UINT8"] = TestOnnxModels.Uint8,
        ["UINT16"] = TestOnnxModels.Uint16,
        ["UINT32"] = TestOnnxModels.Uint32,
        ["UINT64"] = TestOnnxModels.Uint64,
        ["INT8"] = TestOnnxModels.Int8,
        ["INT16"] = TestOnnxModels.Int16,
        ["INT32"] = TestOnnxModels.Int32,
        ["INT64"] = TestOnnxModels.Int64,
        ["FP16"] = TestOnnxModels.Float16,
        ["BF16"] = TestOnnxModels.BFloat16,
        ["FP32"] = TestOnnxModels.Float,
        ["FP64"] = TestOnnxModels.Double,
        ["BYTES"] = TestOnnxModels.String,
    };

    private readonly TempDirectory directory = new();
    private ServingFactory? factory;

    public HttpClient Client { get; private set; } = null!;

    public IrisModel Iris { get; private set; } = null!;

    public IrisData IrisTest { get; private set; } = null!;

    public static string IdentityModel(string datatype) => "id_" + datatype.ToLowerInvariant();

    public async Task InitializeAsync()
    {
        foreach (var (datatype, elementType) in IdentityModels)
        {
            TestOnnxModels.WriteIdentity(directory.Combine(IdentityModel(datatype), "model.onnx"), elementType, null, 3);
        }

        TestOnnxModels.WriteIdentity(directory.Combine("fixed", "model.onnx"), TestOnnxModels.Float, 2, 2);
        TestOnnxModels.WriteIdentity(directory.Combine("versioned", "1", "model.onnx"), TestOnnxModels.Float, null, 3);
        TestOnnxModels.WriteIdentity(directory.Combine("versioned", "2", "model.onnx"), TestOnnxModels.Int32, null, 3);

        var (train, test) = IrisData.Load().Split(0.8, seed: 7);
        Iris = IrisTrainer.Train(train);
        IrisTest = test;
        Directory.CreateDirectory(directory.Combine("iris"));
        OnnxModelWriter.WriteIris(Iris, directory.Combine("iris", "model.onnx"));

        factory = new ServingFactory(new Dictionary<string, string?>
        {
            ["Serving:ModelRepository"] = directory.Path,
            ["Serving:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Serving:IntraOpThreads"] = "1",
        });
        Client = await factory.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        directory.Dispose();
    }
}
