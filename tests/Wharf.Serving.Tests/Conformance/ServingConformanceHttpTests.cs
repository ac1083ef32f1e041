using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// The issue's correctness bar: every libonnx-testdata test that passes straight through ONNX Runtime
/// (<see cref="RawConformanceRunner"/>) also passes through wharf-serve's HTTP API, with binary tensor data and,
/// for every tenth test, JSON tensors too. Every failure left must be ONNX Runtime's own.
/// </summary>
public sealed class ServingConformanceHttpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LibOnnxTestData_InferOverHttp_EveryTestPassingRawPassesOverHttp()
    {
        var tests = OnnxTestCase.Discover();
        var repository = Directory.CreateTempSubdirectory("wharf-conformance-repo-").FullName;
        try
        {
            // A model repository of symlinks: <repository>/<model>/model.onnx, loaded one at a time on request.
            var raw = tests.Select(test => (Test: test, Raw: RawConformanceRunner.Run(test))).ToList();
            var served = raw.Where(r => r.Raw.Kind is ConformanceOutcomeKind.Pass or ConformanceOutcomeKind.FailsRaw).ToList();
            foreach (var (test, _) in served)
            {
                var directory = Directory.CreateDirectory(Path.Combine(repository, HttpConformanceRunner.ModelName(test)));
                File.CreateSymbolicLink(Path.Combine(directory.FullName, "model.onnx"), test.ModelPath);
            }

            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
                .UseSetting("Serving:ModelRepository", repository)
                .UseSetting("Serving:LoadAllAtStartup", "false")
                .UseSetting("Serving:WarmUp", "false"));
            using var client = factory.CreateClient();
            var runner = new HttpConformanceRunner(client);
            var report = new ConformanceReport();
            var index = 0;
            foreach (var (test, rawOutcome) in raw)
            {
                ConformanceOutcome? http = null;
                if (rawOutcome.Kind is ConformanceOutcomeKind.Pass or ConformanceOutcomeKind.FailsRaw)
                {
                    http = await runner.RunAsync(test, alsoJson: index++ % 10 == 0);
                }

                report.Add(test, rawOutcome, http);
            }

            report.JsonChecked = runner.JsonChecked;
            const string title = "libonnx-testdata through wharf-serve's HTTP API vs ONNX Runtime 1.31.1 raw";
            var path = report.WriteFile("onnx-conformance-http.txt", title);
            output.WriteLine(report.Format(title));
            output.WriteLine($"written to {path}");

            var serverCaused = report.Rows
                .Where(r => r.Raw.Kind == ConformanceOutcomeKind.Pass && r.Http?.Kind != ConformanceOutcomeKind.Pass)
                .Select(r => $"{r.Test.Id}: {r.Http?.Reason}")
                .ToList();
            Assert.True(serverCaused.Count == 0,
                $"{serverCaused.Count} tests pass raw but fail over HTTP:\n{string.Join("\n", serverCaused)}");
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }
}
