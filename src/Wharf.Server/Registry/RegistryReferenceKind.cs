namespace Wharf.Server.Registry;

internal enum RegistryReferenceKind
{
    Blob = 0,
    Manifest = 1,
}
