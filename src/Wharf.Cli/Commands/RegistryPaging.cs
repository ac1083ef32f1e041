using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary>Follows the API's <c>next</c> cursor until everything (or <c>--limit</c> items) has been read.</summary>
internal static class RegistryPaging
{
    /// <summary>Items per request: large enough that few round trips are needed, within the API's limit of 1000.</summary>
    private const int PageSize = 500;

    /// <returns>The items, and the cursor to continue from when <paramref name="limit"/> stopped the listing early.</returns>
    public static async Task<(List<T> Items, string? Next)> ReadAllAsync<T>(
        Func<string?, int, Task<(IReadOnlyList<T> Items, string? Next)>> readPage, int? limit)
    {
        var items = new List<T>();
        string? last = null;
        while (true)
        {
            var count = limit is { } l ? Math.Min(l - items.Count, PageSize) : PageSize;
            var (page, next) = await readPage(last, count);
            items.AddRange(page);
            if (next is null || items.Count >= limit)
            {
                return (items, next);
            }

            last = next;
        }
    }

    public static Option<int?> LimitOption(string what) => new("--limit")
    {
        Description = $"List at most this many {what} (default: all)",
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int?>() is < 1)
                {
                    result.AddError("--limit must be at least 1");
                }
            },
        },
    };
}
