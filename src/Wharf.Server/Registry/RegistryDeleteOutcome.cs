namespace Wharf.Server.Registry;

/// <summary>What a delete of a blob link or a manifest did.</summary>
internal enum RegistryDeleteOutcome
{
    Deleted,
    NotFound,

    /// <summary>Refused: a manifest of the repository still refers to it, and deleting it would break that manifest.</summary>
    Referenced,
}
