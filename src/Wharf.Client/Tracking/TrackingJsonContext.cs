using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Client.Tracking;

/// <summary>
/// Source-generated JSON metadata for MLflow's wire contracts: snake_case proto field names, unset fields omitted.
/// MLflow's server may send int64 fields as JSON strings and non-finite doubles as <c>"NaN"</c>, <c>"Infinity"</c>
/// and <c>"-Infinity"</c>, so both are read; non-finite doubles are written the same way.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Experiment))]
[JsonSerializable(typeof(IReadOnlyList<Experiment>))]
[JsonSerializable(typeof(ExperimentPage))]
[JsonSerializable(typeof(Run))]
[JsonSerializable(typeof(IReadOnlyList<Run>))]
[JsonSerializable(typeof(RunInfo))]
[JsonSerializable(typeof(RunPage))]
[JsonSerializable(typeof(MetricHistoryPage))]
[JsonSerializable(typeof(IReadOnlyList<Metric>))]
[JsonSerializable(typeof(ArtifactFile))]
[JsonSerializable(typeof(IReadOnlyList<ArtifactFile>))]
[JsonSerializable(typeof(MlflowErrorPayload))]
public sealed partial class TrackingJsonContext : JsonSerializerContext;
