namespace Wharf.Client.Tracking;

/// <summary>A tag of a run or an experiment. Unlike a param, a tag may be changed.</summary>
/// <param name="Key">The tag's name (up to 250 characters of letters, digits, <c>_ - . / space</c>).</param>
/// <param name="Value">The tag's value.</param>
public sealed record TrackingTag(string Key, string Value);
