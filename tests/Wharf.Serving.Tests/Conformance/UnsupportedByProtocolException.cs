namespace Wharf.Serving.Tests.Conformance;

/// <summary>
/// A test's inputs or outputs are something the Open Inference Protocol cannot carry (a sequence, map or optional
/// value, or an element type such as complex or float8): the test is classified, not failed.
/// </summary>
internal sealed class UnsupportedByProtocolException(string message) : Exception(message);
