namespace Wharf.Client;

/// <summary>An RFC 9457 problem details body as the server returns it under <c>/api/</c>.</summary>
/// <param name="Type">A URI reference naming the problem type.</param>
/// <param name="Title">A short summary of the problem type.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong in this occurrence.</param>
/// <param name="Instance">The request path.</param>
public sealed record ProblemDetailsPayload(string? Type, string? Title, int? Status, string? Detail, string? Instance);
