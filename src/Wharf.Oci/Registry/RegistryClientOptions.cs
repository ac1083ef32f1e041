namespace Wharf.Oci.Registry;

/// <summary>Settings of a <see cref="RegistryClient"/>.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>Where credentials come from; null means anonymous.</summary>
    public IRegistryCredentialProvider? Credentials { get; set; }

    /// <summary>
    /// Use plain HTTP for every registry. Loopback hosts (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>[::1]</c>) always
    /// use plain HTTP; everything else uses HTTPS unless this is set.
    /// </summary>
    public bool PlainHttp { get; set; }

    /// <summary>
    /// The size of an upload chunk (default 8 MiB). A blob no larger than one chunk goes up in one request; a larger one
    /// in PATCH chunks of this size. It is also the memory one upload buffers, so a dropped chunk can be sent again.
    /// </summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Blobs up to this size (default 64 KiB) are pushed with one <c>POST ?digest=</c>, the spec's single-request
    /// upload; 0 turns that off.
    /// </summary>
    public int SinglePostThreshold { get; set; } = 64 * 1024;

    /// <summary>How many blobs upload at once during a push (default 4).</summary>
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>How many times a request is retried after a 5xx, a 429 or a dropped connection (default 3). 4xx answers are never retried, except the one auth challenge.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay (default 500 ms); each further retry doubles it. A <c>Retry-After</c> up to 30 s is honoured instead.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest manifest the client reads (default 4 MiB, the registries' usual limit).</summary>
    public int MaxManifestSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The clock for token expiry and retry delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The User-Agent header sent with every request.</summary>
    public string UserAgent { get; set; } = "wharf-oci/0.1";

    internal void Validate()
    {
        if (ChunkSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "ChunkSize must be at least 1024 bytes");
        }

        if (MaxConcurrentUploads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentUploads), MaxConcurrentUploads, "MaxConcurrentUploads must be at least 1");
        }

        if (MaxRetries < 0 || SinglePostThreshold < 0 || RetryDelay < TimeSpan.Zero || MaxManifestSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), "MaxRetries, SinglePostThreshold and RetryDelay must not be negative; MaxManifestSize at least 1024");
        }
    }
}
