namespace Wharf.Serving.Inference;

/// <summary>
/// The scheduler would not take or finish a request: its queue is full, the request timed out, or the model is
/// being unloaded. HTTP answers 503 with the message and, when set, Retry-After.
/// </summary>
internal sealed class InferenceRejectedException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
