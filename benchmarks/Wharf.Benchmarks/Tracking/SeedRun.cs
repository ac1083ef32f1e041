using System.Globalization;

namespace Wharf.Benchmarks.Tracking;

/// <summary>A run the search benchmark seeds: 20 params (lr first), 20 metrics, 10 tags; the same on every engine.</summary>
internal sealed record SeedRun(string Id, long Time, (string Key, string Value)[] Params, (string Key, double Value)[] Metrics, (string Key, string Value)[] Tags)
{
    private static readonly string[] Rates = ["0.1", "0.01", "0.001", "0.0001"];

    public static IEnumerable<SeedRun> Generate(long experiment, int count)
    {
        var random = new Random(count);
        for (var i = 0; i < count; i++)
        {
            var parameters = new (string, string)[20];
            var metrics = new (string, double)[20];
            for (var k = 0; k < 20; k++)
            {
                parameters[k] = k == 0 ? ("lr", Rates[random.Next(Rates.Length)]) : ($"p{k}", random.Next(100).ToString(CultureInfo.InvariantCulture));
                metrics[k] = ($"m{k}", random.NextDouble());
            }

            var tags = new (string, string)[10];
            for (var k = 0; k < 10; k++)
            {
                tags[k] = ($"t{k}", $"value-{random.Next(10)}");
            }

            yield return new SeedRun($"{experiment:x8}{i:x24}", 1_700_000_000_000L + i, parameters, metrics, tags);
        }
    }
}
