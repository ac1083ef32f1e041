namespace Wharf.Client.Images;

/// <summary>
/// A project's setting for images built by the platform: when <see cref="Enabled"/>, every new READY model version of
/// the project gets an image <c>&lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;</c> built in the background.
/// </summary>
/// <param name="Enabled">True to build an image for every new READY version.</param>
/// <param name="BaseImage">
/// The base image: <c>&lt;project&gt;/&lt;repository&gt;:&lt;tag&gt;</c> (or <c>@sha256:...</c>) in Wharf's own registry, in a
/// project the caller can pull from. Required when enabled; external registries are never fetched by the server.
/// </param>
/// <param name="RuntimeImage">
/// Optional: an image in Wharf's registry whose layers replace the configured serving runtime layer
/// (<c>Wharf:Images:ServingRuntimeDirectory</c>); null for the configured runtime.
/// </param>
public sealed record ModelImageSettings(bool Enabled, string? BaseImage, string? RuntimeImage = null);
