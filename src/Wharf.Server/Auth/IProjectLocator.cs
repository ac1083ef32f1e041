namespace Wharf.Server.Auth;

/// <summary>Finds the project an endpoint's object belongs to, from the request and the stored object.</summary>
internal interface IProjectLocator
{
    /// <summary>
    /// The project's name; <see cref="ProjectLookup.Missing"/> when the object does not exist (the handler answers its
    /// own 404), <see cref="ProjectLookup.Invalid"/> with a message when the request does not name an object properly.
    /// </summary>
    ValueTask<ProjectLookup> LocateAsync(HttpContext context, CancellationToken cancellationToken = default);

    /// <summary>Where the project comes from, for listings and messages.</summary>
    string Describe();
}
