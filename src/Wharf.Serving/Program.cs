// wharf-serve: the model server that goes into model images. Until the serving issue lands it is a minimal
// Open Inference Protocol host that answers liveness and server metadata, so images can already be probed.
var builder = WebApplication.CreateSlimBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8000");
}

var app = builder.Build();
app.MapGet("/v2/health/live", () => TypedResults.Ok());
app.MapGet("/v2", () => TypedResults.Json(
    new Dictionary<string, object> { ["name"] = "wharf-serve", ["version"] = "0.1.0", ["extensions"] = Array.Empty<string>() }));
await app.RunAsync();
