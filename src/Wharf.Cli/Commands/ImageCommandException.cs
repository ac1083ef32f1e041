namespace Wharf.Cli.Commands;

/// <summary>An image verb cannot go on with what it was given or found (exit 1); the message says why.</summary>
internal sealed class ImageCommandException(string message) : Exception(message);
