using System.Globalization;
using System.Text.Json;

namespace Wharf.Server.Tracking;

/// <summary>
/// Writes MLflow's messages (service.proto) as its server does: proto field names, int64 as JSON numbers, ids as
/// strings, unset optional fields and empty repeated fields omitted, and non-finite doubles as the strings protobuf
/// JSON uses ("NaN", "Infinity", "-Infinity").
/// </summary>
internal static class MlflowJson
{
    public static void Experiment(Utf8JsonWriter w, ExperimentView view)
    {
        var e = view.Experiment;
        w.WriteStartObject();
        w.WriteString("experiment_id", Id(e.Id));
        w.WriteString("name", e.Name);
        w.WriteString("artifact_location", e.ArtifactLocation);
        w.WriteString("lifecycle_stage", e.LifecycleStage);
        w.WriteNumber("last_update_time", e.LastUpdateTime);
        w.WriteNumber("creation_time", e.CreationTime);
        ArrayIfAny(w, "tags", view.Tags, (a, tag) => KeyValue(a, tag.Key, tag.Value));

        w.WriteEndObject();
    }

    public static void RunInfo(Utf8JsonWriter w, Run run)
    {
        w.WriteStartObject();
        w.WriteString("run_id", run.RunUuid);
        w.WriteString("run_uuid", run.RunUuid);
        w.WriteString("run_name", run.Name);
        w.WriteString("experiment_id", Id(run.ExperimentId));
        w.WriteString("user_id", run.UserId);
        w.WriteString("status", run.Status);
        w.WriteNumber("start_time", run.StartTime);
        if (run.EndTime is { } end)
        {
            w.WriteNumber("end_time", end);
        }

        w.WriteString("artifact_uri", run.ArtifactUri);
        w.WriteString("lifecycle_stage", run.LifecycleStage);
        w.WriteEndObject();
    }

    public static void Run(Utf8JsonWriter w, RunView view)
    {
        w.WriteStartObject();
        w.WritePropertyName("info");
        RunInfo(w, view.Run);
        w.WriteStartObject("data");
        ArrayIfAny(w, "metrics", view.Metrics, (a, m) => Metric(a, m.Key, m.IsNan ? double.NaN : m.Value, m.Timestamp, m.Step));
        ArrayIfAny(w, "params", view.Params, (a, p) => KeyValue(a, p.Key, p.Value));
        ArrayIfAny(w, "tags", view.Tags, (a, t) => KeyValue(a, t.Key, t.Value));

        w.WriteEndObject();
        w.WriteStartObject("inputs");
        ArrayIfAny(w, "dataset_inputs", view.Inputs, (a, input) => DatasetInput(a, input));

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void DatasetInput(Utf8JsonWriter w, DatasetInputView input)
    {
        w.WriteStartObject();
        ArrayIfAny(w, "tags", input.Tags, (a, tag) => KeyValue(a, tag.Key, tag.Value));

        var d = input.Dataset;
        w.WriteStartObject("dataset");
        w.WriteString("name", d.Name);
        w.WriteString("digest", d.Digest);
        w.WriteString("source_type", d.SourceType);
        w.WriteString("source", d.Source);
        if (d.Schema is not null)
        {
            w.WriteString("schema", d.Schema);
        }

        if (d.Profile is not null)
        {
            w.WriteString("profile", d.Profile);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Metric(Utf8JsonWriter w, string key, double value, long timestamp, long step, string? runId = null)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WritePropertyName("value");
        Double(w, value);
        w.WriteNumber("timestamp", timestamp);
        w.WriteNumber("step", step);
        if (runId is not null)
        {
            w.WriteString("run_id", runId);
        }

        w.WriteEndObject();
    }

    public static void Double(Utf8JsonWriter w, double value)
    {
        if (double.IsNaN(value))
        {
            w.WriteStringValue("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            w.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(value))
        {
            w.WriteStringValue("-Infinity");
        }
        else
        {
            w.WriteNumberValue(value);
        }
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static void KeyValue(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>An array of <paramref name="items"/> under <paramref name="name"/>, left out when empty (as MLflow does).</summary>
    public static void ArrayIfAny<T>(Utf8JsonWriter w, string name, IReadOnlyCollection<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        if (items.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var item in items)
        {
            writeItem(w, item);
        }

        w.WriteEndArray();
    }
}
