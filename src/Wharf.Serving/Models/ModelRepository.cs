using Microsoft.Extensions.Options;
using Wharf.Serving.Batching;
using Wharf.Serving.Hosting;
using Wharf.Serving.Metrics;
using Wharf.Serving.Onnx;

namespace Wharf.Serving.Models;

/// <summary>
/// The models this server knows and their versions' states. A version moves UNAVAILABLE ("unloaded") → LOADING →
/// READY, or → UNAVAILABLE with the reason its load or warm-up failed; unload moves it back to UNAVAILABLE
/// ("unloaded"). Loads and unloads of one model are serialized; inference reads published, immutable snapshots.
/// A reload builds the new versions first and swaps them in, so the old ones serve until the new ones are READY.
/// </summary>
internal sealed class ModelRepository(
    IEnumerable<IModelSource> sources,
    OnnxModelLoader loader,
    IInferenceSchedulerFactory schedulerFactory,
    IOptions<ServingOptions> options,
    IConfiguration configuration,
    TimeProvider timeProvider,
    ServingMetrics metrics,
    ILogger<ModelRepository> logger) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ModelEntry> models = new(StringComparer.Ordinal);
    private volatile bool started;
    private volatile string? startupError;

    /// <summary>True once start-up discovery and the start-up loads have finished (successfully or not).</summary>
    public bool Started => started;

    /// <summary>Why start-up failed before any model could load, if it did.</summary>
    public string? StartupError => startupError;

    public IReadOnlyList<ModelEntry> Models
    {
        get
        {
            lock (gate)
            {
                return models.Values.OrderBy(entry => entry.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Start-up: discover every source, then load everything when <c>Serving:LoadAllAtStartup</c>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DiscoverAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.DiscoveryFailed(logger, exception);
            startupError = $"model discovery failed: {exception.Message}";
            return;
        }

        if (options.Value.LoadAllAtStartup)
        {
            foreach (var entry in Models)
            {
                await LoadEntryAsync(entry, cancellationToken);
            }
        }

        started = true;
    }

    /// <summary>Every model asked to be loaded is READY in every version, after its warm-up.</summary>
    public bool IsReady(out string? reason)
    {
        reason = startupError;
        if (reason is not null)
        {
            return false;
        }

        if (!started)
        {
            reason = "models are still loading";
            return false;
        }

        foreach (var entry in Models)
        {
            if (!entry.LoadRequested)
            {
                continue;
            }

            foreach (var version in entry.Versions)
            {
                if (version.State != ModelState.Ready)
                {
                    reason = $"model '{entry.Name}' version '{version.Version}' is {version.State.ToWireName()}"
                        + (version.Reason is null ? "" : $": {version.Reason}");
                    return false;
                }
            }
        }

        return true;
    }

    public ModelEntry? Find(string name)
    {
        lock (gate)
        {
            return models.GetValueOrDefault(name);
        }
    }

    /// <summary>The version a request names, or the highest READY version when it names none.</summary>
    public ModelLookup Lookup(string name, string? version)
    {
        var entry = Find(name);
        if (entry is null)
        {
            return ModelLookup.NotFound($"model '{name}' is not in the model repository");
        }

        var versions = entry.Versions;
        if (version is not null)
        {
            var status = versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.Ordinal));
            if (status is null)
            {
                return ModelLookup.NotFound($"model '{name}' has no version '{version}'");
            }

            return status.Loaded is { } loaded && status.State == ModelState.Ready
                ? new ModelLookup(loaded, entry, StatusCodes.Status200OK, null)
                : ModelLookup.NotReady(entry, NotReadyMessage(name, status));
        }

        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].State == ModelState.Ready && versions[i].Loaded is { } loaded)
            {
                return new ModelLookup(loaded, entry, StatusCodes.Status200OK, null);
            }
        }

        return ModelLookup.NotReady(entry, versions.Count == 0
            ? $"model '{name}' has no versions"
            : NotReadyMessage(name, versions[^1]));
    }

    /// <summary>Loads (or reloads) every version of a model; null when no source offers the name.</summary>
    public async Task<ModelEntry?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        // A model added to the repository after start-up can be loaded by name: look again.
        await DiscoverAsync(cancellationToken);
        var entry = Find(name);
        if (entry is not null)
        {
            await LoadEntryAsync(entry, cancellationToken);
        }

        return entry;
    }

    /// <summary>Unloads every version of a model; false when the name is unknown.</summary>
    public async Task<bool> UnloadAsync(string name, CancellationToken cancellationToken)
    {
        var entry = Find(name);
        if (entry is null)
        {
            return false;
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            entry.LoadRequested = false;
            var old = entry.Versions;
            entry.Versions = old.Select(v => new ModelVersionStatus(v.Version, ModelState.Unavailable, "unloaded", null)).ToArray();
            await DisposeVersionsAsync(old);
            Log.ModelUnloaded(logger, name);
        }
        finally
        {
            entry.Gate.Release();
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in Models)
        {
            await DisposeVersionsAsync(entry.Versions);
        }
    }

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var discovered = new List<ModelDefinition>();
        foreach (var source in sources)
        {
            discovered.AddRange(await source.DiscoverAsync(cancellationToken));
        }

        lock (gate)
        {
            foreach (var definition in discovered)
            {
                if (models.TryGetValue(definition.Name, out var entry))
                {
                    entry.Definition = definition;
                }
                else
                {
                    models[definition.Name] = new ModelEntry(definition);
                }
            }
        }

        Log.ModelsDiscovered(logger, discovered.Count);
    }

    private async Task LoadEntryAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            entry.LoadRequested = true;
            var old = entry.Versions;
            var definitions = entry.Definition.Versions;

            // Versions not serving yet show LOADING; versions serving keep serving until their replacement is READY.
            entry.Versions = definitions.Select(definition =>
                old.FirstOrDefault(v => v.Version == definition.Version && v.State == ModelState.Ready)
                ?? new ModelVersionStatus(definition.Version, ModelState.Loading, null, null)).ToArray();

            var loaded = new List<ModelVersionStatus>(definitions.Count);
            foreach (var definition in definitions)
            {
                // A load that started finishes even if its caller goes away, so no version is left LOADING.
                loaded.Add(await Task.Run(() => LoadVersion(entry.Name, definition), CancellationToken.None));
            }

            entry.Versions = loaded;
            await DisposeVersionsAsync(old);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private ModelVersionStatus LoadVersion(string name, ModelVersionDefinition definition)
    {
        Log.ModelLoading(logger, name, definition.Version, definition.Path);
        var start = timeProvider.GetTimestamp();
        OnnxInferenceRunner? runner = null;
        try
        {
            runner = loader.Load(definition.Path);
            if (options.Value.WarmUp)
            {
                ModelWarmUp.Run(runner);
            }

            var versionMetrics = metrics.For(name, definition.Version);
            var scheduler = schedulerFactory.Create(runner, BatchingFor(name), timeProvider, versionMetrics.BatchExecuted);
            var loaded = new LoadedModelVersion(name, definition.Version, runner, scheduler, versionMetrics);
            Log.ModelReady(logger, name, definition.Version, timeProvider.GetElapsedTime(start).TotalMilliseconds, runner.HasBatchDimension, options.Value.WarmUp);
            return new ModelVersionStatus(definition.Version, ModelState.Ready, null, loaded);
        }
        catch (Exception exception)
        {
            runner?.Dispose();
            var reason = exception is ModelLoadException ? exception.Message : $"loading failed: {exception.Message}";
            Log.ModelLoadFailed(logger, name, definition.Version, reason, exception is ModelLoadException ? null : exception);
            return new ModelVersionStatus(definition.Version, ModelState.Unavailable, reason, null);
        }
    }

    /// <summary><c>Serving:Batching:Default</c>, overridden by <c>Serving:Batching:&lt;model&gt;</c>.</summary>
    private BatchingOptions BatchingFor(string name)
    {
        var batching = new BatchingOptions();
        configuration.GetSection("Serving:Batching:Default").Bind(batching);
        var section = configuration.GetSection($"Serving:Batching:{name}");
        if (section.GetSection(nameof(BatchingOptions.PreferredBatchSizes)).Exists())
        {
            batching.PreferredBatchSizes = [];
        }

        section.Bind(batching);
        return batching;
    }

    private static async Task DisposeVersionsAsync(IReadOnlyList<ModelVersionStatus> versions)
    {
        foreach (var version in versions)
        {
            if (version.Loaded is { } loaded)
            {
                await loaded.DisposeAsync();
            }
        }
    }

    private static string NotReadyMessage(string name, ModelVersionStatus status) =>
        $"model '{name}' version '{status.Version}' is not ready: {status.State.ToWireName()}"
        + (status.Reason is null ? "" : $" ({status.Reason})");
}
