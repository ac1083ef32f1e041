using System.Globalization;
using System.Text.Json;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>Writes model_registry.proto's RegisteredModel and ModelVersion as MLflow's server does (unset fields omitted).</summary>
internal static class ModelsJson
{
    public static void Model(Utf8JsonWriter w, ModelView view)
    {
        var m = view.Model;
        w.WriteStartObject();
        w.WriteString("name", view.DisplayName);
        w.WriteNumber("creation_timestamp", m.CreationTime);
        w.WriteNumber("last_updated_timestamp", m.LastUpdatedTime);
        if (m.UserId.Length > 0)
        {
            w.WriteString("user_id", m.UserId);
        }

        if (m.Description is not null)
        {
            w.WriteString("description", m.Description);
        }

        MlflowJson.ArrayIfAny(w, "latest_versions", view.LatestVersions, Version);
        MlflowJson.ArrayIfAny(w, "tags", view.Tags, (a, tag) => KeyValue(a, tag.Key, tag.Value));

        if (view.Aliases.Count > 0)
        {
            w.WriteStartArray("aliases");
            foreach (var alias in view.Aliases)
            {
                w.WriteStartObject();
                w.WriteString("alias", alias.Alias);
                w.WriteString("version", alias.Version.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static void Version(Utf8JsonWriter w, VersionView view)
    {
        var v = view.Version;
        w.WriteStartObject();
        w.WriteString("name", view.DisplayName);
        w.WriteString("version", v.Version.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("creation_timestamp", v.CreationTime);
        w.WriteNumber("last_updated_timestamp", v.LastUpdatedTime);
        if (v.UserId.Length > 0)
        {
            w.WriteString("user_id", v.UserId);
        }

        w.WriteString("current_stage", v.CurrentStage);
        if (v.Description is not null)
        {
            w.WriteString("description", v.Description);
        }

        w.WriteString("source", v.Source);
        w.WriteString("run_id", v.RunId);
        w.WriteString("status", v.Status);
        if (v.StatusMessage is not null)
        {
            w.WriteString("status_message", v.StatusMessage);
        }

        MlflowJson.ArrayIfAny(w, "tags", view.Tags, (a, tag) => KeyValue(a, tag.Key, tag.Value));
        MlflowJson.ArrayIfAny(w, "aliases", view.Aliases, (a, alias) => a.WriteStringValue(alias));

        w.WriteEndObject();
    }

    private static void KeyValue(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
