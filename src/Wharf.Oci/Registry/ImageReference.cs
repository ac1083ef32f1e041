using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Oci.Registry;

/// <summary>
/// A reference to an image in a registry: <c>host[:port]/repository/path[:tag][@sha256:...]</c>.
/// </summary>
/// <remarks>
/// The registry host is required (there is no implicit default registry): the first path component names it, and it
/// must look like a host (contain a <c>.</c> or a <c>:</c>, or be <c>localhost</c>). Repository components follow the
/// distribution specification's grammar (lowercase alphanumerics separated by <c>.</c>, <c>_</c>, <c>__</c> or dashes),
/// so <c>..</c>, empty components and uppercase letters are refused. A reference with neither tag nor digest means
/// the tag <c>latest</c>.
/// </remarks>
public sealed partial record ImageReference
{
    /// <summary>The tag used when a reference names neither a tag nor a digest.</summary>
    public const string DefaultTag = "latest";

    private const int MaxRepositoryLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, with its port when one was given (for example <c>127.0.0.1:5000</c>).</summary>
    public string Registry { get; }

    /// <summary>The repository name inside the registry (for example <c>project/app</c>).</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when the reference gave none.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or null when the reference gave none.</summary>
    public Digest? Digest { get; }

    /// <summary>What the registry's manifest endpoint is asked for: the digest when there is one, else the tag, else <see cref="DefaultTag"/>.</summary>
    public string Reference => Digest?.ToString() ?? Tag ?? DefaultTag;

    /// <summary>Parses a reference, throwing <see cref="FormatException"/> that says what is wrong.</summary>
    /// <param name="value">The reference text.</param>
    /// <returns>The parsed reference.</returns>
    public static ImageReference Parse(string value)
        => TryParse(value, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>Parses a reference without throwing.</summary>
    /// <param name="value">The reference text.</param>
    /// <param name="reference">The parsed reference, when valid.</param>
    /// <returns>True when <paramref name="value"/> is a valid reference.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ImageReference? reference)
        => TryParse(value, out reference, out _);

    /// <summary>Parses a reference without throwing, reporting why it is invalid.</summary>
    /// <param name="value">The reference text.</param>
    /// <param name="reference">The parsed reference, when valid.</param>
    /// <param name="error">Why the reference is invalid, when it is.</param>
    /// <returns>True when <paramref name="value"/> is a valid reference.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "image reference is empty";
            return false;
        }

        if (value.Length > 1024)
        {
            error = "image reference is longer than 1024 characters";
            return false;
        }

        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var parsed, out var digestError))
            {
                error = $"image reference '{Safe(value)}' has an invalid digest: {digestError}";
                return false;
            }

            digest = parsed;
            rest = rest[..at];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            error = $"image reference '{Safe(value)}' must start with a registry host, as in host[:port]/repository[:tag]";
            return false;
        }

        var registry = rest[..slash];
        if (!IsRegistryHost(registry))
        {
            error = $"'{Safe(registry)}' is not a registry host (it needs a '.' or a ':port', or must be 'localhost')";
            return false;
        }

        var path = rest[(slash + 1)..];
        string? tag = null;
        var lastSlash = path.LastIndexOf('/');
        var colon = path.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"tag '{Safe(tag)}' is invalid: up to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'";
                return false;
            }
        }

        if (!TryValidateRepository(path, out error))
        {
            return false;
        }

        reference = new ImageReference(registry, path, tag, digest);
        return true;
    }

    /// <summary>Checks a repository name against the distribution specification's grammar.</summary>
    /// <param name="repository">The repository name, without registry host, tag or digest.</param>
    /// <param name="error">Why the name is invalid, when it is.</param>
    /// <returns>True when the name is valid.</returns>
    public static bool TryValidateRepository(string? repository, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(repository))
        {
            error = "repository name is empty";
            return false;
        }

        if (repository.Length > MaxRepositoryLength)
        {
            error = $"repository name is longer than {MaxRepositoryLength} characters";
            return false;
        }

        foreach (var component in repository.Split('/'))
        {
            if (!ComponentPattern().IsMatch(component))
            {
                error = component.Any(char.IsAsciiLetterUpper)
                    ? $"repository name '{Safe(repository)}' must be lowercase"
                    : $"repository component '{Safe(component)}' is invalid: lowercase letters and digits, separated by '.', '_', '__' or dashes";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>The same repository with another tag (and no digest).</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The new reference.</returns>
    public ImageReference WithTag(string tag)
        => TagPattern().IsMatch(tag) ? new ImageReference(Registry, Repository, tag, null) : throw new FormatException($"tag '{Safe(tag)}' is invalid");

    /// <summary>The same repository pinned to a digest (the tag is kept for display).</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>The new reference.</returns>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>Another repository on the same registry, at its default tag.</summary>
    /// <param name="repository">The repository name.</param>
    /// <returns>The new reference.</returns>
    public ImageReference InRepository(string repository)
        => TryValidateRepository(repository, out var error) ? new ImageReference(Registry, repository, null, null) : throw new FormatException(error);

    /// <inheritdoc />
    public override string ToString()
    {
        var builder = new StringBuilder(Registry).Append('/').Append(Repository);
        if (Tag is not null)
        {
            builder.Append(':').Append(Tag);
        }

        if (Digest is { } digest)
        {
            builder.Append('@').Append(digest.ToString());
        }

        return builder.ToString();
    }

    private static bool IsRegistryHost(string host)
    {
        if (!HostPattern().IsMatch(host))
        {
            return false;
        }

        return host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal)
            || host.Equals("localhost", StringComparison.Ordinal);
    }

    private static string Safe(string s)
    {
        var builder = new StringBuilder();
        foreach (var c in s.AsSpan(0, Math.Min(s.Length, 80)))
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return s.Length > 80 ? builder.Append("...").ToString() : builder.ToString();
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    // A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
