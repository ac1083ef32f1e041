using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Server.Tests.Events.Webhooks;
using Wharf.TestModels;

namespace Wharf.Interop.Tests.Models;

/// <summary>
/// The model registry end to end, with nothing but real parts on loopback: an iris classifier trained with ML.NET and
/// written as ONNX is logged to a run and registered through the MLflow REST API, the <c>production</c> alias is
/// moved to it, real skopeo pulls the alias into an OCI layout, and ONNX Runtime predicts with the pulled bytes. The
/// alias move reaches an in-process event subscriber and, signed, a webhook receiver on loopback.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class IrisEndToEndTests(ModelsWharfFixture wharf) : IClassFixture<ModelsWharfFixture>
{
    private const string ModelName = "iris";
    private const string Alias = "production";
    private const string ArtifactType = "application/vnd.wharf.model.v1";
    private const string TitleAnnotation = "org.opencontainers.image.title";
    private const string TarLayer = "application/vnd.oci.image.layer.v1.tar";

    [Fact]
    public async Task IrisClassifier_LoggedRegisteredAliasedAndPulledWithSkopeo_PredictsAsTrained()
    {
        var (train, test) = IrisData.Load().Split(0.8, seed: 1);
        var classifier = IrisTrainer.Train(train);
        var expected = classifier.Predict(test);
        var labels = test.ToLabels();
        var accuracy = Accuracy(expected.Select(p => (long)p.Label).ToArray(), labels);
        var onnx = OnnxModelWriter.Serialize(classifier.Parameters);
        var (project, projectId, account, token) = await wharf.CreateProjectWithMaintainerAsync();
        var webhookSecret = await CreateWebhookAsync(project, await wharf.CreateOwnerTokenAsync(projectId));
        using var mlflow = new MlflowRestClient(wharf.BaseUrl, token);
        var experiment = (await mlflow.PostAsync("experiments/create", new { name = "iris-e2e" })).GetProperty("experiment_id").GetString()!;

        var firstRun = await LogTrainingRunAsync(mlflow, experiment, onnx, accuracy);
        (await mlflow.PostAsync("registered-models/create", new { name = ModelName })).GetProperty("registered_model");
        var first = await RegisterAsync(mlflow, firstRun);
        (await mlflow.PostAsync("registered-models/alias", new { name = ModelName, alias = Alias, version = first })).ToString();
        var firstByAlias = await GetByAliasAsync(mlflow);
        var secondRun = await LogTrainingRunAsync(mlflow, experiment, onnx, accuracy);
        var second = await RegisterAsync(mlflow, secondRun);
        await mlflow.PostAsync("registered-models/alias", new { name = ModelName, alias = Alias, version = second });
        var secondByAlias = await GetByAliasAsync(mlflow);

        Assert.Equal(("1", "2"), (first, second));
        Assert.Equal("1", firstByAlias.GetProperty("version").GetString());
        Assert.Equal("2", secondByAlias.GetProperty("version").GetString());
        Assert.Equal(secondRun, secondByAlias.GetProperty("run_id").GetString());
        Assert.Equal([Alias], secondByAlias.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        // skopeo pulls the alias, with the CI account's credentials, into an OCI layout on disk.
        var skopeo = new Skopeo($"{account}:{token}");
        var repository = $"docker://{wharf.Host}/{project}/models/{ModelName}";
        using var pulled = new TempDirectory("wi-iris");
        (await skopeo.CopyAsync($"{repository}:{Alias}", $"oci:{pulled.Path}:{Alias}")).EnsureSuccess();
        // The version tag too, to see the alias tag is that very manifest (`skopeo inspect` refuses non-image artifacts).
        (await skopeo.CopyAsync($"{repository}:v2", $"oci:{pulled.Path}:v2")).EnsureSuccess();
        var layout = new OciLayout(pulled.Path);
        var manifestDescriptor = layout.Resolve(Alias);
        using var manifest = JsonDocument.Parse(layout.ReadBlob(manifestDescriptor.Digest));
        var layerList = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
        var layers = layerList.ToDictionary(l => l.GetProperty("annotations").GetProperty(TitleAnnotation).GetString()!, l => l.GetProperty("digest").GetString()!);
        // Each file is a layer the model image can append as is: an uncompressed tar holding just model/<title>.
        var modelTar = TarFiles(layout.ReadBlob(layers["model.onnx"]));
        var modelFile = Path.Combine(pulled.Path, "model.onnx");
        await File.WriteAllBytesAsync(modelFile, Assert.Single(modelTar).Value);
        using var config = JsonDocument.Parse(layout.ReadBlob(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!));

        Assert.Equal(ArtifactType, manifest.RootElement.GetProperty("artifactType").GetString());
        Assert.Equal(layout.Resolve("v2"), manifestDescriptor);
        Assert.Equal(["MLmodel", "model.onnx"], layers.Keys.Order(StringComparer.Ordinal));
        Assert.All(layerList, l => Assert.Equal(TarLayer, l.GetProperty("mediaType").GetString()));
        Assert.Equal("model/model.onnx", Assert.Single(modelTar).Key);
        Assert.Equal(Sha256(onnx), Sha256(File.ReadAllBytes(modelFile)));
        Assert.Equal(
            $"sha256:{Sha256(onnx)}",
            layerList.Single(l => l.GetProperty("annotations").GetProperty(TitleAnnotation).GetString() == "model.onnx")
                .GetProperty("annotations").GetProperty("vnd.wharf.model.file.digest").GetString());
        Assert.Contains($"run_id: {secondRun}", Encoding.UTF8.GetString(TarFiles(layout.ReadBlob(layers["MLmodel"]))["model/MLmodel"]), StringComparison.Ordinal);
        Assert.Equal(secondRun, config.RootElement.GetProperty("source_run_id").GetString());
        Assert.Equal(accuracy, config.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 1e-12);
        AssertIrisSignature(config.RootElement.GetProperty("signature"));

        // ONNX Runtime predicts the held-out flowers with the pulled file exactly as ML.NET did.
        var (predicted, probabilities) = PredictWithOnnxRuntime(modelFile, test);

        Assert.True(Accuracy(predicted, labels) >= 0.9, $"accuracy {Accuracy(predicted, labels)} on the held-out split");
        Assert.Equal(expected.Select(p => (long)p.Label), predicted);
        for (var i = 0; i < expected.Count; i++)
        {
            for (var c = 0; c < expected[i].Probabilities.Count; c++)
            {
                Assert.Equal(expected[i].Probabilities[c], probabilities[(i * expected[i].Probabilities.Count) + c], 1e-4f);
            }
        }

        // The in-process subscriber saw the alias set on v1, then moved from v1 to v2.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var set = await AliasEventAsync(project, version: 1, patience.Token);
        var moved = await AliasEventAsync(project, version: 2, patience.Token);

        Assert.Equal(JsonValueKind.Null, set.GetProperty("previousVersion").ValueKind);
        Assert.Equal(ModelName, moved.GetProperty("model").GetString());
        Assert.Equal(Alias, moved.GetProperty("alias").GetString());
        Assert.Equal(1, moved.GetProperty("previousVersion").GetInt32());
        Assert.Equal(manifestDescriptor.Digest, moved.GetProperty("digest").GetString());

        // The receiver got the move too, signed with the secret the server returned when the webhook was created.
        await wharf.Receiver.WaitUntilAsync(received => received.Any(r => IsAliasMove(r, project)));
        var hook = wharf.Receiver.Received.First(r => IsAliasMove(r, project));
        using var hookBody = JsonDocument.Parse(hook.Body);
        var data = hookBody.RootElement.GetProperty("data");

        Assert.Equal(ExpectedSignature(webhookSecret, hook.Headers["X-Wharf-Timestamp"], hook.Body), hook.Headers["X-Wharf-Signature"]);
        Assert.Equal("models.alias-set", hook.Headers["X-Wharf-Event"]);
        Assert.Equal(project, hookBody.RootElement.GetProperty("project").GetString());
        Assert.Equal(ModelName, data.GetProperty("model").GetString());
        Assert.Equal(Alias, data.GetProperty("alias").GetString());
        Assert.Equal(1, data.GetProperty("previousVersion").GetInt32());
    }

    /// <summary>Creates a webhook for alias events through the API as a project owner would; returns the signing secret.</summary>
    private async Task<string> CreateWebhookAsync(string project, string ownerToken)
    {
        using var http = new HttpClient { BaseAddress = wharf.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ownerToken);
        using var response = await http.PostAsJsonAsync(
            $"api/v1/projects/{project}/webhooks", new { url = wharf.Receiver.Url("/hooks/wharf").ToString(), events = new[] { "models.alias-set" } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"webhook create answered {(int)response.StatusCode}: {text}");
        using var created = JsonDocument.Parse(text);
        return created.RootElement.GetProperty("secret").GetString()!;
    }

    private static bool IsAliasMove(ReceivedWebhook hook, string project)
    {
        using var body = JsonDocument.Parse(hook.Body);
        return body.RootElement.GetProperty("type").GetString() == "models.alias-set"
            && body.RootElement.GetProperty("project").GetString() == project
            && body.RootElement.GetProperty("data").GetProperty("version").GetInt32() == 2;
    }

    /// <summary>
    /// What a receiver computes to verify a delivery, written here from the documented scheme rather than with the
    /// server's code: <c>sha256=</c> + hex HMAC-SHA256 of <c>"&lt;timestamp&gt;.&lt;body&gt;"</c> keyed with the secret.
    /// </summary>
    private static string ExpectedSignature(string secret, string timestamp, string body)
        => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>
    /// One training run as an MLflow-instrumented script leaves it: params, the held-out accuracy, the ONNX file and an
    /// MLmodel descriptor under <c>model/</c>, then FINISHED. Returns the run id.
    /// </summary>
    private static async Task<string> LogTrainingRunAsync(MlflowRestClient mlflow, string experiment, byte[] onnx, double accuracy)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var info = (await mlflow.PostAsync("runs/create", new { experiment_id = experiment, run_name = "lbfgs-maxent", start_time = now, tags = Array.Empty<object>() }))
            .GetProperty("run").GetProperty("info");
        var run = info.GetProperty("run_id").GetString()!;
        var artifactUri = info.GetProperty("artifact_uri").GetString()!;
        await mlflow.PostAsync("runs/log-batch", new
        {
            run_id = run,
            @params = new[]
            {
                new { key = "trainer", value = "LbfgsMaximumEntropy" },
                new { key = "train_fraction", value = "0.8" },
                new { key = "split_seed", value = "1" },
            },
            metrics = new[] { new { key = "accuracy", value = accuracy, timestamp = now, step = 0 } },
            tags = Array.Empty<object>(),
        });
        await mlflow.PutArtifactAsync(artifactUri, "model/model.onnx", onnx);
        await mlflow.PutArtifactAsync(artifactUri, "model/MLmodel", Encoding.UTF8.GetBytes(
            $"""
            artifact_path: model
            flavors:
              onnx:
                data: model.onnx
                onnx_version: 1.14.0
                providers: [CPUExecutionProvider]
            run_id: {run}
            utc_time_created: '{DateTimeOffset.FromUnixTimeMilliseconds(now).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'

            """));
        await mlflow.PostAsync("runs/update", new { run_id = run, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        return run;
    }

    /// <summary>model-versions/create from the run's <c>model</c> directory, then model-versions/get until READY, as register_model waits.</summary>
    private static async Task<string> RegisterAsync(MlflowRestClient mlflow, string run)
    {
        var created = (await mlflow.PostAsync("model-versions/create", new { name = ModelName, source = $"runs:/{run}/model", run_id = run }))
            .GetProperty("model_version");
        var version = created.GetProperty("version").GetString()!;
        var status = created.GetProperty("status").GetString();
        for (var attempt = 0; status == "PENDING_REGISTRATION" && attempt < 100; attempt++)
        {
            await Task.Delay(100);
            status = (await mlflow.GetAsync($"model-versions/get?name={ModelName}&version={version}")).GetProperty("model_version").GetProperty("status").GetString();
        }

        var polled = (await mlflow.GetAsync($"model-versions/get?name={ModelName}&version={version}")).GetProperty("model_version");
        Assert.True(polled.GetProperty("status").GetString() == "READY", $"version {version}: {polled}");
        Assert.Equal(run, polled.GetProperty("run_id").GetString());
        return version;
    }

    private static async Task<JsonElement> GetByAliasAsync(MlflowRestClient mlflow)
        => (await mlflow.GetAsync($"registered-models/alias?name={ModelName}&alias={Alias}")).GetProperty("model_version");

    /// <summary>The payload of the recorded <c>models.alias-set</c> event that put <see cref="Alias"/> on <paramref name="version"/> in <paramref name="project"/>.</summary>
    private async Task<JsonElement> AliasEventAsync(string project, int version, CancellationToken cancellationToken)
    {
        var envelope = await wharf.AliasEvents.FirstAsync(
            e =>
            {
                using var payload = JsonDocument.Parse(e.Payload);
                var root = payload.RootElement;
                return root.GetProperty("project").GetString() == project
                    && root.GetProperty("alias").GetString() == Alias
                    && root.GetProperty("version").GetInt32() == version;
            },
            cancellationToken);
        Assert.Equal("models.alias-set", envelope.Type);
        return JsonDocument.Parse(envelope.Payload).RootElement.Clone();
    }

    /// <summary>What the server read with ONNX Runtime at registration: float input [batch, 4], a label and probabilities out.</summary>
    private static void AssertIrisSignature(JsonElement signature)
    {
        var file = Assert.Single(signature.GetProperty("onnx").EnumerateArray());
        var input = Assert.Single(file.GetProperty("inputs").EnumerateArray());
        var outputs = file.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);

        Assert.Equal("model.onnx", file.GetProperty("path").GetString());
        Assert.Equal(OnnxModelWriter.InputName, input.GetProperty("name").GetString());
        Assert.Equal("float", input.GetProperty("element_type").GetString());
        Assert.Equal([-1, IrisData.FeatureCount], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(OnnxModelWriter.BatchDimension, input.GetProperty("symbolic_shape")[0].GetString());
        Assert.Equal("int64", outputs[OnnxModelWriter.LabelName].GetProperty("element_type").GetString());
        Assert.Equal([-1, 3], outputs[OnnxModelWriter.ProbabilitiesName].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    private static (long[] Labels, float[] Probabilities) PredictWithOnnxRuntime(string modelFile, IrisData data)
    {
        using var session = new InferenceSession(modelFile);
        var input = new DenseTensor<float>(data.ToFeatureMatrix(), [data.Count, IrisData.FeatureCount]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelWriter.InputName, input)]);
        var labels = results.Single(r => r.Name == OnnxModelWriter.LabelName).AsTensor<long>().ToArray();
        var probabilities = results.Single(r => r.Name == OnnxModelWriter.ProbabilitiesName).AsTensor<float>().ToArray();
        return (labels, probabilities);
    }

    private static double Accuracy(long[] predicted, int[] labels)
        => (double)predicted.Zip(labels).Count(p => p.First == p.Second) / labels.Length;

    /// <summary>The regular files of a tar layer, by name (directories skipped; anything else fails the test).</summary>
    private static Dictionary<string, byte[]> TarFiles(byte[] tar)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == System.Formats.Tar.TarEntryType.Directory)
            {
                continue;
            }

            Assert.Equal(System.Formats.Tar.TarEntryType.RegularFile, entry.EntryType);
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            files.Add(entry.Name, content.ToArray());
        }

        return files;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
