namespace Wharf.Oci.Registry;

/// <summary>Where the transfer of one blob stands.</summary>
public enum TransferState
{
    /// <summary>Asking the registry whether the blob is there already.</summary>
    Checking,

    /// <summary>The registry has the blob: nothing is uploaded.</summary>
    Skipped,

    /// <summary>The blob was mounted from another repository: nothing is uploaded.</summary>
    Mounted,

    /// <summary>Bytes are being uploaded.</summary>
    Uploading,

    /// <summary>Bytes are being downloaded and verified.</summary>
    Downloading,

    /// <summary>The blob is complete in the registry (push) or at the sink and verified (pull).</summary>
    Done,
}
