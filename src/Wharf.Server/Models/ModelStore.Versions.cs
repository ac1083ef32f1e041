using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wharf.Oci;
using Wharf.Oci.Building;
using Wharf.Server.Auth;
using Wharf.Server.Events;
using Wharf.Server.Registry;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

internal sealed partial class ModelStore
{
    public const string ArtifactType = "application/vnd.wharf.model.v1";
    public const string ConfigMediaType = "application/vnd.wharf.model.config.v1+json";
    /// <summary>The media type of a file layer in versions registered before files became tar layers (the raw file).</summary>
    public const string FileMediaType = "application/octet-stream";

    /// <summary>The media type of a file layer: an uncompressed tar holding the file (see <see cref="ModelFileLayer"/>).</summary>
    public const string LayerMediaType = MediaTypes.OciLayerTar;

    public const string TitleAnnotation = "org.opencontainers.image.title";

    /// <summary>Layer annotation: the sha256 digest of the raw file the layer's tar holds.</summary>
    public const string FileDigestAnnotation = "vnd.wharf.model.file.digest";

    /// <summary>Layer annotation: the size in bytes of the raw file the layer's tar holds (decimal).</summary>
    public const string FileSizeAnnotation = "vnd.wharf.model.file.size";

    /// <summary>Most files one version may hold (one layer each).</summary>
    public const int MaxFiles = 10_000;

    /// <summary>
    /// Registers a new version from a run's files, synchronously:
    /// <list type="number">
    /// <item>the source is checked: a run the caller can read, in the model's project, with at least one file under the path;</item>
    /// <item>the version row is written PENDING_REGISTRATION with the next number (event <c>models.version-created</c>);</item>
    /// <item>ONNX files are loaded for the signature (from the run's raw blobs); each file becomes one layer, an
    /// uncompressed deterministic tar holding it at <c>model/&lt;path&gt;</c> (<see cref="ModelFileLayer"/>: the same
    /// file always gives the same layer, stored once), linked into <c>&lt;project&gt;/models/&lt;name&gt;</c>; a config
    /// blob is written and the manifest pushed and tagged <c>v&lt;N&gt;</c>;</item>
    /// <item>the row becomes READY with the manifest digest (event <c>models.version-ready</c>), or FAILED_REGISTRATION
    /// with the reason (event <c>models.version-failed</c>). A failed version has no manifest: nothing that does not
    /// load can be pulled or aliased.</item>
    /// </list>
    /// </summary>
    public async Task<ModelVersion> CreateVersionAsync(
        AuthPrincipal caller, ResolvedModel model, string source, string? runId, string? description,
        IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default)
    {
        var parsed = ModelSource.Parse(source);
        if (runId is { Length: > 0 } && runId != parsed.RunId)
        {
            throw MlflowException.Invalid($"Parameter 'run_id' ({MlflowRequest.Clip(runId)}) does not match the run of source '{MlflowRequest.Clip(source)}'.");
        }

        var run = await (
            from r in db.Runs.AsNoTracking()
            join e in db.Experiments on r.ExperimentId equals e.Id
            join p in db.Projects on e.ProjectId equals p.Id
            where r.RunUuid == parsed.RunId
            select new { r.RunUuid, r.ExperimentId, Project = p.Name, ProjectId = p.Id }).FirstOrDefaultAsync(cancellationToken);
        if (run is null || (parsed.ExperimentId is { } experiment && experiment != run.ExperimentId)
            || (caller.ScopesIn(run.Project) & Scope.TrackingRead) != Scope.TrackingRead)
        {
            throw MlflowException.NotFound($"Run '{parsed.RunId}' of source '{MlflowRequest.Clip(source)}' not found.");
        }

        if (run.ProjectId != model.Model.ProjectId)
        {
            throw MlflowException.Denied($"Run '{parsed.RunId}' belongs to project '{run.Project}', not to the model's project '{model.Project}'.");
        }

        var prefix = parsed.Path + "/";
        var files = await db.RunArtifacts.AsNoTracking()
            .Where(a => a.RunUuid == run.RunUuid && (parsed.Path == "" || a.Path == parsed.Path || a.Path.StartsWith(prefix)))
            .OrderBy(a => a.Path).Take(MaxFiles + 1).ToListAsync(cancellationToken);
        if (files.Count == 0)
        {
            throw MlflowException.Invalid($"Source '{MlflowRequest.Clip(source)}' names no files of run {run.RunUuid}.");
        }

        if (files.Count > MaxFiles)
        {
            throw MlflowException.Invalid($"Source '{MlflowRequest.Clip(source)}' holds more than {MaxFiles} files.");
        }

        var version = await InsertPendingVersionAsync(caller, model, source, run.RunUuid, parsed.Path, description, tags, cancellationToken);
        try
        {
            await RegisterAsync(model, version, run.ExperimentId, files, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RegistrationCrashed(logger, model.Project, model.Model.Name, version.Version, ex);
            db.ChangeTracker.Clear();
            await FinishAsync(model, version.Id, version.Version, null, null, $"Registration failed: {ex.GetType().Name}", cancellationToken);
        }

        return await db.ModelVersions.AsNoTracking().FirstAsync(v => v.Id == version.Id, cancellationToken);
    }

    private async Task<ModelVersion> InsertPendingVersionAsync(
        AuthPrincipal caller, ResolvedModel model, string source, string runId, string path, string? description,
        IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        var row = await db.RegisteredModels.FirstOrDefaultAsync(m => m.Id == model.Model.Id, cancellationToken)
            ?? throw MlflowException.NotFound($"Registered Model with name={model.Model.Name} not found");
        var now = Now();
        row.LastVersion++;
        row.LastUpdatedTime = now;
        var version = new ModelVersion
        {
            ModelId = row.Id,
            Version = row.LastVersion,
            Source = source,
            RunId = runId,
            ArtifactPath = path,
            Description = description,
            UserId = caller.Name,
            CreationTime = now,
            LastUpdatedTime = now,
        };
        db.ModelVersions.Add(version);
        db.AddEvent(new ModelVersionCreated(model.Project, row.Name, version.Version, runId, source, model.Repository), AggregateKey(model));
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (key, value) in tags)
        {
            db.ModelVersionTags.Add(new ModelVersionTag { VersionId = version.Id, Key = key, Value = value });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return version;
    }

    private async Task RegisterAsync(ResolvedModel model, ModelVersion version, long experimentId, List<RunArtifact> files, CancellationToken cancellationToken)
    {
        string Relative(RunArtifact file) => version.ArtifactPath.Length == 0 ? file.Path
            : file.Path == version.ArtifactPath ? file.Path[(file.Path.LastIndexOf('/') + 1)..]
            : file.Path[(version.ArtifactPath.Length + 1)..];

        var onnx = files.Where(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            .Select(f => new ModelSignatureReader.OnnxFile(Relative(f), Digest.Parse(f.Digest))).ToList();
        var (signature, error) = await signatures.ReadAsync(onnx, cancellationToken);
        if (error is not null)
        {
            await FinishAsync(model, version.Id, version.Version, null, null, error, cancellationToken);
            return;
        }

        if (!RepositoryName.TryParse(model.Repository, out var repositoryName, out var nameError))
        {
            throw new InvalidOperationException(nameError);
        }

        var repository = await registry.EnsureRepositoryAsync(repositoryName, cancellationToken);
        var layers = new List<(string Title, RunArtifact File, Descriptor Layer)>(files.Count);
        foreach (var file in files)
        {
            var raw = Digest.Parse(file.Digest);
            if (await blobs.GetSizeAsync(raw, cancellationToken) != file.Size)
            {
                await FinishAsync(model, version.Id, version.Version, null, null, $"The bytes of file '{Relative(file)}' are missing from the blob store.", cancellationToken);
                return;
            }

            Descriptor layer;
            try
            {
                layer = await ModelFileLayer.WriteAsync(blobs, Relative(file), raw, file.Size, cancellationToken);
            }
            catch (ImageBuildException ex)
            {
                await FinishAsync(model, version.Id, version.Version, null, null, $"File '{Relative(file)}' cannot be a layer: {ex.Message}", cancellationToken);
                return;
            }

            if (!await registry.RecordPublishedBlobAsync(repository.Id, layer.Digest, layer.Size, cancellationToken))
            {
                throw new InvalidOperationException($"the layer of '{Relative(file)}' vanished right after it was written");
            }

            layers.Add((Relative(file), file, layer));
        }

        var config = await ConfigAsync(model, version, experimentId, signature!, layers.Select(l => (l.Title, l.File)).ToList(), cancellationToken);
        var written = await blobs.WriteAsync(new MemoryStream(config, writable: false), null, cancellationToken);
        if (!await registry.RecordPublishedBlobAsync(repository.Id, written.Digest, written.Size, cancellationToken))
        {
            throw new InvalidOperationException("the model config blob vanished right after it was written");
        }

        var content = ManifestBytes(version, written, layers);
        var manifest = ManifestParser.TryParse(content, MediaTypes.OciManifest, out var parseError)
            ?? throw new InvalidOperationException($"the model manifest does not parse: {parseError}");
        var digest = Digest.Sha256(content);
        var missing = await registry.PutManifestAsync(repository, digest, content, manifest, ModelNames.VersionTag(version.Version), cancellationToken);
        if (missing.Count > 0)
        {
            await FinishAsync(model, version.Id, version.Version, null, null, $"Blobs vanished during registration: {string.Join(", ", missing)}", cancellationToken);
            return;
        }

        await FinishAsync(model, version.Id, version.Version, digest.ToString(), signature, null, cancellationToken);
    }

    /// <summary>Marks a version READY (with its manifest) or FAILED_REGISTRATION (with the reason), with its event.</summary>
    private async Task FinishAsync(ResolvedModel model, long versionId, int number, string? digest, string? signature, string? error, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.ModelVersions.FirstOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (row is null)
        {
            return; // deleted meanwhile; its delete removed the manifest's tag
        }

        row.LastUpdatedTime = Now();
        var reference = $"{model.Repository}:{ModelNames.VersionTag(number)}";
        if (error is null)
        {
            row.Status = ModelVersionStatus.Ready;
            row.StatusMessage = null;
            row.ManifestDigest = digest;
            row.Signature = signature;
            db.AddEvent(new ModelVersionReady(model.Project, model.Model.Name, number, model.Repository, reference, digest!), AggregateKey(model));
        }
        else
        {
            row.Status = ModelVersionStatus.FailedRegistration;
            row.StatusMessage = error.Length <= ModelVersion.MaxStatusMessageLength ? error : error[..ModelVersion.MaxStatusMessageLength];
            db.AddEvent(new ModelVersionFailed(model.Project, model.Model.Name, number, model.Repository, row.StatusMessage), AggregateKey(model));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        Log.VersionRegistered(logger, model.Project, model.Model.Name, number, row.Status);
    }

    /// <summary>
    /// The config blob: signature, the run's latest metrics, its source run and experiment, its datasets, the creation
    /// time, and each file's path, raw digest and size (the layers hold the files inside tars).
    /// </summary>
    private async Task<byte[]> ConfigAsync(
        ResolvedModel model, ModelVersion version, long experimentId, string signature, List<(string Title, RunArtifact File)> files, CancellationToken cancellationToken)
    {
        var metrics = await db.LatestMetrics.AsNoTracking().Where(m => m.RunUuid == version.RunId).OrderBy(m => m.Key).ToListAsync(cancellationToken);
        var datasets = await db.RunDatasetInputs.AsNoTracking().Where(d => d.RunUuid == version.RunId).OrderBy(d => d.Id)
            .Select(d => new { d.Name, d.Digest, d.SourceType, d.Source }).ToListAsync(cancellationToken);
        using var buffer = new MemoryStream();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("project", model.Project);
            w.WriteString("model", model.Model.Name);
            w.WriteNumber("version", version.Version);
            w.WriteString("created", DateTimeOffset.FromUnixTimeMilliseconds(version.CreationTime).ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("source", version.Source);
            w.WriteString("source_run_id", version.RunId);
            w.WriteString("experiment_id", experimentId.ToString(CultureInfo.InvariantCulture));
            w.WritePropertyName("signature");
            w.WriteRawValue(signature);
            w.WriteStartObject("metrics");
            foreach (var metric in metrics)
            {
                w.WritePropertyName(metric.Key);
                MlflowJson.Double(w, metric.IsNan ? double.NaN : metric.Value);
            }

            w.WriteEndObject();
            w.WriteStartArray("datasets");
            foreach (var d in datasets)
            {
                w.WriteStartObject();
                w.WriteString("name", d.Name);
                w.WriteString("digest", d.Digest);
                w.WriteString("source_type", d.SourceType);
                w.WriteString("source", d.Source);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("files");
            foreach (var (title, file) in files)
            {
                w.WriteStartObject();
                w.WriteString("path", title);
                w.WriteString("digest", file.Digest);
                w.WriteNumber("size", file.Size);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] ManifestBytes(ModelVersion version, Storage.BlobWriteResult config, List<(string Title, RunArtifact File, Descriptor Layer)> files)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            w.WriteString("artifactType", ArtifactType);
            w.WriteStartObject("config");
            w.WriteString("mediaType", ConfigMediaType);
            w.WriteString("digest", config.Digest.ToString());
            w.WriteNumber("size", config.Size);
            w.WriteEndObject();
            w.WriteStartArray("layers");
            foreach (var (title, file, layer) in files)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", layer.MediaType);
                w.WriteString("digest", layer.Digest.ToString());
                w.WriteNumber("size", layer.Size);
                w.WriteStartObject("annotations");
                w.WriteString(TitleAnnotation, title);
                w.WriteString(FileDigestAnnotation, file.Digest);
                w.WriteString(FileSizeAnnotation, file.Size.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("annotations");
            w.WriteString("org.opencontainers.image.created", DateTimeOffset.FromUnixTimeMilliseconds(version.CreationTime).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("vnd.wharf.model.version", version.Version.ToString(CultureInfo.InvariantCulture));
            w.WriteString("vnd.wharf.model.run-id", version.RunId);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public async Task UpdateVersionAsync(ResolvedModel model, int number, string? description, CancellationToken cancellationToken = default)
    {
        if (await db.ModelVersions.Where(v => v.ModelId == model.Model.Id && v.Version == number)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Description, description).SetProperty(v => v.LastUpdatedTime, Now()), cancellationToken) == 0)
        {
            throw MlflowException.NotFound($"Model Version (name={model.Model.Name}, version={number}) not found");
        }
    }

    /// <summary>Legacy stages: stored and returned; with <paramref name="archiveExisting"/> other versions in that stage become Archived.</summary>
    public async Task TransitionStageAsync(ResolvedModel model, int number, string stage, bool archiveExisting, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        var row = await db.ModelVersions.FirstOrDefaultAsync(v => v.ModelId == model.Model.Id && v.Version == number, cancellationToken)
            ?? throw MlflowException.NotFound($"Model Version (name={model.Model.Name}, version={number}) not found");
        var now = Now();
        if (archiveExisting && stage is ModelStages.Staging or ModelStages.Production)
        {
            await db.ModelVersions.Where(v => v.ModelId == model.Model.Id && v.Version != number && v.CurrentStage == stage)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.CurrentStage, ModelStages.Archived).SetProperty(v => v.LastUpdatedTime, now), cancellationToken);
        }

        row.CurrentStage = stage;
        row.LastUpdatedTime = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>Deletes a version: its row, its aliases, and its manifest with every tag on it (v&lt;N&gt; and the aliases').</summary>
    public async Task DeleteVersionAsync(ResolvedModel model, int number, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockModelAsync(model.Model.Id, cancellationToken);
        var row = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == model.Model.Id && v.Version == number, cancellationToken)
            ?? throw MlflowException.NotFound($"Model Version (name={model.Model.Name}, version={number}) not found");
        var aliases = await db.ModelAliases.Where(a => a.ModelId == model.Model.Id && a.Version == number).Select(a => a.Alias).ToListAsync(cancellationToken);
        if (row.ManifestDigest is { } digest && await registry.FindRepositoryAsync(model.Repository, cancellationToken) is { } repository)
        {
            await RegistryStore.LockRepositoryAsync(db, repository.Id, cancellationToken);
            var manifestId = await db.RegistryManifests.Where(m => m.RepositoryId == repository.Id && m.Digest == digest).Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken);
            if (manifestId is { } id)
            {
                // Another version with identical files and config has another config (version, time), so this
                // manifest is this version's alone; its tags are v<N> and this version's aliases.
                await db.RegistryTags.Where(t => t.ManifestId == id).ExecuteDeleteAsync(cancellationToken);
                await db.RegistryManifests.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);
            }
        }

        await db.ModelAliases.Where(a => a.ModelId == model.Model.Id && a.Version == number).ExecuteDeleteAsync(cancellationToken);
        await db.ModelVersions.Where(v => v.Id == row.Id).ExecuteDeleteAsync(cancellationToken);
        db.AddEvent(
            new ModelVersionDeleted(model.Project, model.Model.Name, number, model.Repository, $"{model.Repository}:{ModelNames.VersionTag(number)}", row.ManifestDigest, aliases),
            AggregateKey(model));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetVersionTagAsync(ResolvedModel model, int number, string key, string value, CancellationToken cancellationToken = default)
    {
        var version = await FindVersionAsync(model, number, cancellationToken);
        var tag = await db.ModelVersionTags.FirstOrDefaultAsync(t => t.VersionId == version.Id && t.Key == key, cancellationToken);
        if (tag is null)
        {
            db.ModelVersionTags.Add(new ModelVersionTag { VersionId = version.Id, Key = key, Value = value });
        }
        else
        {
            tag.Value = value;
        }

        await SaveUpsertAsync(cancellationToken);
    }

    public async Task DeleteVersionTagAsync(ResolvedModel model, int number, string key, CancellationToken cancellationToken = default)
    {
        var version = await FindVersionAsync(model, number, cancellationToken);
        if (await db.ModelVersionTags.Where(t => t.VersionId == version.Id && t.Key == key).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw MlflowException.NotFound($"No tag with name: {key} for model version {model.Model.Name} version {number}");
        }
    }

    /// <summary>Where the version's files can be downloaded: the run's artifact location through the artifact proxy.</summary>
    public async Task<string> DownloadUriAsync(ResolvedModel model, int number, CancellationToken cancellationToken = default)
    {
        var version = await FindVersionAsync(model, number, cancellationToken);
        var experimentId = await db.Runs.Where(r => r.RunUuid == version.RunId).Select(r => (long?)r.ExperimentId).FirstOrDefaultAsync(cancellationToken)
            ?? throw MlflowException.NotFound($"The run {version.RunId} of model version {number} no longer exists.");
        return ModelSource.DownloadUri(experimentId, version.RunId, version.ArtifactPath);
    }
}
