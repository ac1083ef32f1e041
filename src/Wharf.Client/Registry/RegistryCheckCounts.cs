namespace Wharf.Client.Registry;

/// <summary>How many objects a registry consistency check looked at.</summary>
/// <param name="Blobs">Blob rows in the database.</param>
/// <param name="BlobFiles">Blobs found in the blob store.</param>
/// <param name="BlobLinks">Links of blobs into repositories.</param>
/// <param name="Manifests">Manifests and indexes.</param>
/// <param name="Tags">Tags.</param>
/// <param name="Uploads">Upload sessions in the database.</param>
/// <param name="StagedUploads">Staged upload files in the blob store.</param>
/// <param name="BytesHashed">Bytes read back and hashed (deep mode only).</param>
public sealed record RegistryCheckCounts(
    int Blobs, int BlobFiles, int BlobLinks, int Manifests, int Tags, int Uploads, int StagedUploads, long BytesHashed);
