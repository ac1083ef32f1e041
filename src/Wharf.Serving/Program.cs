using Wharf.Serving.Hosting;

// wharf-serve: the model server that goes into model images. ONNX models from a repository directory, served over
// the Open Inference Protocol v2 (REST, binary tensor data, model repository extension), with Prometheus /metrics.
var builder = WebApplication.CreateSlimBuilder(ServingCommandLine.Normalize(args));
builder.AddServing();

var app = builder.Build();
app.MapServing();
await app.RunAsync();
