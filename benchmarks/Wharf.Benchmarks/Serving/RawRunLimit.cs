using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// The raw limit R(b): <c>InferenceSession.Run</c> in a loop with everything preallocated (input and output OrtValues
/// over pinned arrays, one RunOptions), at each batch size, after a warm-up; the median of the repetitions. Runs in
/// its own process (<c>serving-raw</c>) so the harness can pin it to the server's core. Also R(1) paced: single runs
/// 1 ms apart, the core idle in between, as a server's core is between requests at concurrency 1; a model whose
/// weights stay in the CPU's caches in a tight loop may not keep them there across idle gaps.
/// </summary>
internal static class RawRunLimit
{
    public static readonly int[] BatchSizes = [1, 2, 4, 8, 16, 32];

    /// <summary>
    /// Child entry: <c>serving-raw MODEL.onnx INPUT-FEATURES OUTPUT-FEATURES INTRA-OP-THREADS SECONDS-PER-REPEAT REPEATS [MAX-BATCH]</c>
    /// (MAX-BATCH 1 measures R(1) and its paced form only).
    /// </summary>
    public static int RunChild(string[] args)
    {
        var modelPath = args[0];
        var (inputs, outputs, intraOp) = (Int(args[1]), Int(args[2]), Int(args[3]));
        var seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        var repeats = Int(args[5]);
        var maxBatch = args.Length > 6 ? Int(args[6]) : BatchSizes[^1];

        using var options = new SessionOptions { IntraOpNumThreads = intraOp };
        using var session = new InferenceSession(modelPath, options);
        using var runOptions = new RunOptions();
        string[] inputNames = [MlpModel.InputName], outputNames = [MlpModel.OutputName];
        var random = new Random(1);
        foreach (var batch in BatchSizes.Where(b => b <= maxBatch))
        {
            var input = new float[batch * inputs];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)random.NextDouble();
            }

            // CreateTensorValueFromMemory pins the managed arrays for the OrtValues' lifetime: no copies per run.
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, inputs]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(new float[batch * outputs], [batch, outputs]);
            OrtValue[] inputValues = [inputValue], outputValues = [outputValue];
            void Run() => session.Run(runOptions, inputNames, inputValues, outputNames, outputValues);

            Measure(Run, Math.Max(0.2, seconds / 2));
            var perRun = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                perRun.Add(Measure(Run, seconds));
            }

            perRun.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"R {batch} {perRun[perRun.Count / 2]:R}"));
            if (batch == 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"P 1 {MeasurePaced(Run, seconds):R}"));
            }
        }

        return 0;
    }

    /// <summary>Reads the child's paced R(1) line, or NaN when there is none.</summary>
    public static double ParsePaced(IEnumerable<string> lines)
        => lines.Where(l => l.StartsWith("P 1 ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[4..], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN)
            .First();

    /// <summary>Reads the child's lines: batch size to microseconds per run.</summary>
    public static SortedDictionary<int, double> Parse(IEnumerable<string> lines)
    {
        var result = new SortedDictionary<int, double>();
        foreach (var line in lines.Where(l => l.StartsWith("R ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            result[Int(parts[1])] = double.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>Microseconds per run at a batch size, interpolated linearly between the measured ones.</summary>
    public static double MicrosecondsAt(SortedDictionary<int, double> curve, double batch)
    {
        var points = curve.ToList();
        if (batch <= points[0].Key)
        {
            return points[0].Value;
        }

        for (var i = 1; i < points.Count; i++)
        {
            if (batch <= points[i].Key)
            {
                var (b0, t0) = (points[i - 1].Key, points[i - 1].Value);
                var (b1, t1) = (points[i].Key, points[i].Value);
                return t0 + (t1 - t0) * (batch - b0) / (b1 - b0);
            }
        }

        return points[^1].Value * batch / points[^1].Key;
    }

    // Microseconds per run over about `seconds`.
    private static double Measure(Action run, double seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var runs = 0L;
        var deadline = TimeSpan.FromSeconds(seconds);
        while (stopwatch.Elapsed < deadline)
        {
            for (var i = 0; i < 16; i++)
            {
                run();
            }

            runs += 16;
        }

        return stopwatch.Elapsed.TotalMicroseconds / runs;
    }

    // Median microseconds of single runs, each after the thread slept for 1 ms, over about `seconds`.
    private static double MeasurePaced(Action run, double seconds)
    {
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || times.Count < 5)
        {
            Thread.Sleep(1);
            var start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
