namespace Wharf.Client.Images;

/// <summary>The states of a model image build.</summary>
public static class ModelImageBuildStatuses
{
    /// <summary>Waiting for a builder.</summary>
    public const string Pending = "PENDING";

    /// <summary>A builder is on it (a build whose builder died is taken up again once its lease expires).</summary>
    public const string Running = "RUNNING";

    /// <summary>The image is pushed and tagged.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>The build failed; the log says why. Nothing was tagged.</summary>
    public const string Failed = "FAILED";
}
