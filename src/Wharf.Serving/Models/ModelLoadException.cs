namespace Wharf.Serving.Models;

/// <summary>A model version could not be loaded; the message is the reason the repository index shows.</summary>
internal sealed class ModelLoadException(string message, Exception? innerException = null) : Exception(message, innerException);
