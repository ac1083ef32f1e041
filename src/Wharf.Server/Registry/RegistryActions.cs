namespace Wharf.Server.Registry;

/// <summary>The actions of the registry token scope grammar (<c>repository:&lt;name&gt;:pull,push,delete</c>).</summary>
[Flags]
internal enum RegistryActions
{
    None = 0,
    Pull = 1,
    Push = 2,
    Delete = 4,
}
