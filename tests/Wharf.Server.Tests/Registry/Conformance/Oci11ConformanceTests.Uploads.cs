using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Chunk ordering: "If a chunk is uploaded out of order, the registry MUST respond with a 416", then a GET on the
// session tells where to resume (upstream 04_blob_upload_chunked, "chunked out-of-order").
public abstract partial class Oci11ConformanceTests
{
    private static readonly TestBlob ChunkedBlob = new(OciMediaTypes.OctetStream, TestBytes.Create("oci11/chunked", 2100));

    [Fact]
    public async Task UploadChunked_FirstChunkNotAtZero_Returns416()
    {
        var repository = NewRepository("out-of-order");
        var location = await Registry.StartUploadAsync(repository);

        var patch = await Registry.PatchChunkAsync(location, Chunk(700, 1399), "700-1399");

        RegistryAssert.Status(HttpStatusCode.RequestedRangeNotSatisfiable, patch);
        await AssertResumesAfterAsync(repository, location, lastGoodByte: -1);
    }

    public static TheoryData<int, int> BadNextChunks => new()
    {
        { 0, 699 }, // the same chunk again (a retry)
        { 600, 1299 }, // overlapping the accepted bytes
        { 800, 1499 }, // leaving a gap
    };

    [Theory]
    [MemberData(nameof(BadNextChunks))]
    public async Task UploadChunked_NextChunkNotRightAfterTheLast_Returns416AndKeepsTheUpload(int start, int end)
    {
        var repository = NewRepository("out-of-order");
        var location = await Registry.StartUploadAsync(repository);
        var first = await Registry.PatchChunkAsync(location, Chunk(0, 699), "0-699");
        RegistryAssert.Status(HttpStatusCode.Accepted, first, "first chunk");

        var bad = await Registry.PatchChunkAsync(first.Location!, Chunk(start, end), $"{start}-{end}");

        RegistryAssert.Status(HttpStatusCode.RequestedRangeNotSatisfiable, bad);
        await AssertResumesAfterAsync(repository, first.Location!, lastGoodByte: 699);
    }

    [Fact]
    public async Task UploadChunked_FinalPutChunkOutOfOrder_Returns416()
    {
        var repository = NewRepository("out-of-order");
        var location = await Registry.StartUploadAsync(repository);
        var first = await Registry.PatchChunkAsync(location, Chunk(0, 699), "0-699");
        RegistryAssert.Status(HttpStatusCode.Accepted, first, "first chunk");

        var put = await Registry.PutUploadAsync(first.Location!, ChunkedBlob.Digest, Chunk(1400, 2099), "1400-2099");

        RegistryAssert.Status(HttpStatusCode.RequestedRangeNotSatisfiable, put);
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(repository, ChunkedBlob.Digest), "blob after refused PUT");
    }

    [Fact]
    public async Task UploadStatus_UnknownSession_Returns404BlobUploadUnknown()
    {
        var repository = NewRepository("status");
        await Registry.StartUploadAsync(repository);

        var status = await Registry.GetAsync($"/v2/{repository}/blobs/uploads/{Guid.NewGuid()}");

        RegistryAssert.Error(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    private static byte[] Chunk(int start, int end) => ChunkedBlob.Content[start..(end + 1)];

    /// <summary>After a 416: GET reports the last good byte, the rest uploads in order, and the blob is exact.</summary>
    private async Task AssertResumesAfterAsync(string repository, string location, int lastGoodByte)
    {
        var status = await Registry.SendAsync(HttpMethod.Get, location);
        RegistryAssert.Status(HttpStatusCode.NoContent, status, "status after 416");
        Assert.False(string.IsNullOrEmpty(status.Location), $"no Location: {status}");
        Assert.Matches("^0-[0-9]+$", status.Header("Range") ?? "");
        if (lastGoodByte >= 0)
        {
            RegistryAssert.Header($"0-{lastGoodByte}", status, "Range", "status after 416");
        }

        var rest = await Registry.PatchChunkAsync(status.Location!, Chunk(lastGoodByte + 1, 2099), $"{lastGoodByte + 1}-2099");
        RegistryAssert.Status(HttpStatusCode.Accepted, rest, "resumed chunk");
        var put = await Registry.PutUploadAsync(rest.Location!, ChunkedBlob.Digest);
        RegistryAssert.Status(HttpStatusCode.Created, put, "closing PUT");
        RegistryAssert.Body(ChunkedBlob.Content, await Registry.GetBlobAsync(repository, ChunkedBlob.Digest), "assembled blob");
    }
}
