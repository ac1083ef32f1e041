using Wharf.Serving.Hosting;

// wharf-serve: the model server that goes into model images. ONNX models from a repository directory, a local file,
// an OCI layout or a registry, served over the Open Inference Protocol v2 (REST, binary tensor data, model repository
// extension), with Prometheus /metrics.
await ServingApp.RunAsync(args);
