using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Wharf.Oci.Registry;

/// <summary>
/// One blob's upload session, from the open session's Location to the final <c>PUT ?digest=</c>.
/// </summary>
/// <remarks>
/// The state is the registry's: <c>_committed</c> is how many bytes it says it holds, and every response's Location
/// replaces the previous one. The source is read once, in chunks of <see cref="RegistryClientOptions.ChunkSize"/>, and
/// hashed as it is read; the current chunk stays in a buffer until the registry acknowledges it. When a PATCH fails
/// (connection dropped, 5xx, or 416 because the registry kept less than was sent), the upload asks the registry for its
/// Range with a GET on the latest Location and sends again from there: from the buffer when the registry holds at
/// least the chunk's start, else by opening the source again and re-reading (and re-hashing) up to that offset.
/// A blob that fits in one chunk goes up as one PUT with the body (monolithic). The digest of what was read must match
/// the descriptor before the PUT commits it, and the PUT carries <c>?digest=</c> so the registry checks it too.
/// </remarks>
internal sealed class BlobUpload : IAsyncDisposable
{
    private readonly RegistryTransport _transport;
    private readonly RegistryRequestFactory _requests;
    private readonly Descriptor _descriptor;
    private readonly Func<Descriptor, CancellationToken, ValueTask<Stream>> _open;
    private readonly Action<long> _progress;
    private readonly byte[] _buffer;
    private Uri _location;
    private Stream? _source;
    private IncrementalHash _hash;
    private long _read;
    private long _bufferStart;
    private int _bufferLength;
    private long _committed;
    private int _failures;

    public BlobUpload(
        RegistryTransport transport, RegistryRequestFactory requests, Uri location, Descriptor descriptor,
        Func<Descriptor, CancellationToken, ValueTask<Stream>> open, Action<long> progress)
    {
        _transport = transport;
        _requests = requests;
        _location = location;
        _descriptor = descriptor;
        _open = open;
        _progress = progress;
        _hash = descriptor.Digest.CreateHash();
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(descriptor.Size, 1, transport.Options.ChunkSize));
    }

    private int ChunkSize => (int)Math.Min(_buffer.Length, _transport.Options.ChunkSize);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var size = _descriptor.Size;
        while (true)
        {
            var acknowledged = _committed == _bufferStart + _bufferLength;
            if (acknowledged && _read < size)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Everything sent and acknowledged: an empty PUT commits. A blob that fits one chunk and has nothing on
            // the registry yet rides on the PUT as a monolithic upload. Otherwise the next chunk is a PATCH.
            var monolithic = _committed == 0 && _bufferStart == 0 && _bufferLength == size;
            if (acknowledged || monolithic)
            {
                if (await CommitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            await SendChunkAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>Cancels the session on the registry, best effort (it expires anyway).</summary>
    public async Task AbortAsync()
    {
        // Bounded on its own: the push is failing or was cancelled, and must not hang on the clean-up.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _transport.Options.TimeProvider);
        try
        {
            using var response = await _transport.SendAsync(_requests.Create(HttpMethod.Delete, _location) with { Retry = false }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or RegistryException or OperationCanceledException)
        {
            // Nothing more to do: the session expires on the registry.
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        _source ??= await _open(_descriptor, cancellationToken).ConfigureAwait(false);
        var want = (int)Math.Min(ChunkSize, _descriptor.Size - _read);
        var filled = 0;
        while (filled < want)
        {
            var n = await _source.ReadAsync(_buffer.AsMemory(filled, want - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new DigestMismatchException(
                    _descriptor.Digest, null, $"the content opened for blob {_descriptor.Digest} ended after {_read + filled} bytes; its descriptor says {_descriptor.Size}");
            }

            filled += n;
        }

        _hash.AppendData(_buffer, 0, filled);
        _bufferStart = _read;
        _bufferLength = filled;
        _read += filled;
    }

    private async Task SendChunkAsync(CancellationToken cancellationToken)
    {
        var offset = (int)(_committed - _bufferStart);
        var count = _bufferLength - offset;
        var start = _committed;
        var request = _requests.Create(new HttpMethod("PATCH"), _location) with
        {
            Retry = false,
            Content = () => ChunkContent(offset, count),
            Configure = m => m.Content!.Headers.TryAddWithoutValidation("Content-Range", string.Create(CultureInfo.InvariantCulture, $"{start}-{start + count - 1}")),
        };

        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RegistryTransport.IsTransient(ex, cancellationToken))
        {
            await ResumeAsync(ex, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Follow(response);
                _committed = RangeEnd(response) ?? start + count;
                _failures = 0;
                _progress(_committed);
                await CheckCommittedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable || RegistryTransport.IsRetryableStatus(response.StatusCode))
            {
                var error = await RegistryTransport.ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
                await ResumeAsync(error, cancellationToken).ConfigureAwait(false);
                return;
            }

            throw await RegistryTransport.ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a failed chunk: ask the registry what it holds (GET on the latest Location) and continue from there.</summary>
    private async Task ResumeAsync(Exception failure, CancellationToken cancellationToken)
    {
        if (++_failures > _transport.Options.MaxRetries)
        {
            throw failure as RegistryException ?? new RegistryException(
                $"uploading blob {_descriptor.Digest} failed {_failures} times in a row at byte {_committed}: {failure.Message}", null, [], failure);
        }

        await _transport.DelayAsync(_failures - 1, null, cancellationToken).ConfigureAwait(false);
        var status = _requests.Create(HttpMethod.Get, _location);
        using var response = await _transport.SendExpectingAsync(status, cancellationToken, HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false);
        Follow(response);
        var end = RangeEnd(response) ?? 0;
        // "0-0" is what registries say both for an empty upload and for one byte: trust one byte only if it was acknowledged.
        _committed = end == 1 && _committed < 1 ? 0 : end;
        _progress(_committed);
        await CheckCommittedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the buffer and the hash agree with what the registry holds.</summary>
    private async Task CheckCommittedAsync(CancellationToken cancellationToken)
    {
        if (_committed > _bufferStart + _bufferLength)
        {
            throw new RegistryException($"the registry reports {_committed} bytes of blob {_descriptor.Digest} but only {_bufferStart + _bufferLength} were sent");
        }

        if (_committed >= _bufferStart)
        {
            return;
        }

        // The registry kept less than the chunks before this one: read the source again up to where it stands.
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        _source = await _open(_descriptor, cancellationToken).ConfigureAwait(false);
        _hash.Dispose();
        _hash = _descriptor.Digest.CreateHash();
        _read = 0;
        _bufferStart = 0;
        _bufferLength = 0;
        while (_read + ChunkSize <= _committed)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_read < _committed)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The final PUT with the rest of the buffer; false when it failed and the upload resumed instead.</summary>
    private async Task<bool> CommitAsync(CancellationToken cancellationToken)
    {
        var actual = Digest.FromHash(_descriptor.Digest.Algorithm, _hash.GetCurrentHash());
        if (actual != _descriptor.Digest)
        {
            throw new DigestMismatchException(
                _descriptor.Digest, actual, $"the content opened for blob {_descriptor.Digest} hashes to {actual}; nothing was committed");
        }

        var offset = (int)(_committed - _bufferStart);
        var count = _bufferLength - offset;
        var separator = string.IsNullOrEmpty(_location.Query) ? "?" : "&";
        var uri = new Uri(_location + separator + "digest=" + Uri.EscapeDataString(_descriptor.Digest.ToString()));
        var request = _requests.Create(HttpMethod.Put, uri) with { Retry = false, Content = () => ChunkContent(offset, count) };
        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RegistryTransport.IsTransient(ex, cancellationToken))
        {
            return await LandedAnywayAsync(cancellationToken).ConfigureAwait(false) || await ResumeThenFalseAsync(ex, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.Accepted)
            {
                _progress(_descriptor.Size);
                return true;
            }

            var error = await RegistryTransport.ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable && !RegistryTransport.IsRetryableStatus(response.StatusCode))
            {
                throw error;
            }

            return await LandedAnywayAsync(cancellationToken).ConfigureAwait(false) || await ResumeThenFalseAsync(error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A PUT whose answer was lost may still have committed the blob: then the session is gone and the blob is there.</summary>
    private async Task<bool> LandedAnywayAsync(CancellationToken cancellationToken)
    {
        using var head = await _transport.SendAsync(_requests.Blob(HttpMethod.Head, _descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (head.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        _progress(_descriptor.Size);
        return true;
    }

    private async Task<bool> ResumeThenFalseAsync(Exception failure, CancellationToken cancellationToken)
    {
        await ResumeAsync(failure, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private ByteArrayContent ChunkContent(int offset, int count)
    {
        var content = new ByteArrayContent(_buffer, offset, count);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private void Follow(HttpResponseMessage response)
    {
        if (response.Headers.Location is { } location)
        {
            _location = location.IsAbsoluteUri ? location : new Uri(_location, location);
        }
    }

    /// <summary>The byte count a <c>Range: 0-N</c> response header says the registry holds (N + 1), or null.</summary>
    private static long? RangeEnd(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault()?.Trim();
        if (value is null)
        {
            return null;
        }

        if (value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            value = value[6..];
        }

        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end) && end >= 0
            ? end + 1
            : null;
    }
}
