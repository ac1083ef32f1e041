namespace Wharf.Oci.Building;

/// <summary>
/// The inputs of an image build are unusable or hostile: a path with traversal, a symlink leaving the build context,
/// a file that changed while being read, a base image that cannot be used. The message says which input and why.
/// Thrown before anything names the image, so a failed build never leaves a tag behind.
/// </summary>
public sealed class ImageBuildException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public ImageBuildException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ImageBuildException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
