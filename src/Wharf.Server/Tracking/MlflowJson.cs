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
        if (view.Tags.Count > 0)
        {
            w.WriteStartArray("tags");
            foreach (var tag in view.Tags)
            {
                KeyValue(w, tag.Key, tag.Value);
            }

            w.WriteEndArray();
        }

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
        if (view.Metrics.Count > 0)
        {
            w.WriteStartArray("metrics");
            foreach (var m in view.Metrics)
            {
                Metric(w, m.Key, m.IsNan ? double.NaN : m.Value, m.Timestamp, m.Step);
            }

            w.WriteEndArray();
        }

        if (view.Params.Count > 0)
        {
            w.WriteStartArray("params");
            foreach (var p in view.Params)
            {
                KeyValue(w, p.Key, p.Value);
            }

            w.WriteEndArray();
        }

        if (view.Tags.Count > 0)
        {
            w.WriteStartArray("tags");
            foreach (var t in view.Tags)
            {
                KeyValue(w, t.Key, t.Value);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteStartObject("inputs");
        if (view.Inputs.Count > 0)
        {
            w.WriteStartArray("dataset_inputs");
            foreach (var input in view.Inputs)
            {
                DatasetInput(w, input);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void DatasetInput(Utf8JsonWriter w, DatasetInputView input)
    {
        w.WriteStartObject();
        if (input.Tags.Count > 0)
        {
            w.WriteStartArray("tags");
            foreach (var tag in input.Tags)
            {
                KeyValue(w, tag.Key, tag.Value);
            }

            w.WriteEndArray();
        }

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
}
