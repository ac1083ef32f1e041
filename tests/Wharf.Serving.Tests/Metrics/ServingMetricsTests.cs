using System.Net;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Metrics;

[Collection(ServingCollection.Name)]
public sealed class ServingMetricsTests(ServingFixture fixture)
{
    [Fact]
    public async Task Metrics_AfterRequests_ExposeEverySeriesPerModelAndVersion()
    {
        var good = await fixture.Client.PostJsonAsync("/v2/models/id_int16/infer",
            """{"inputs":[{"name":"x","datatype":"INT16","shape":[2,3],"data":[1,2,3,4,5,6]}]}""");
        var bad = await fixture.Client.PostJsonAsync("/v2/models/id_int16/infer", """{"inputs":[]}""");
        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);

        var text = await fixture.Client.GetStringAsync("/metrics");

        const string labels = """{model="id_int16",version="1"}""";
        Assert.Contains("wharf_serving_requests_total" + labels + " 2", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_request_failures_total" + labels + " 1", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_inflight_requests" + labels + " 0", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_queue_seconds_count" + labels + " 1", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_compute_seconds_count" + labels + " 1", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_request_duration_seconds_count" + labels + " 2", text, StringComparison.Ordinal);
        Assert.Contains("wharf_serving_batch_size_sum" + labels + " 2", text, StringComparison.Ordinal);
    }
}
