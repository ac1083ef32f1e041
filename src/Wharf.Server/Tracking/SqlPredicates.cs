using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Tracking;

/// <summary>
/// Builds the comparisons of search clauses as expression trees EF translates to SQL, with every value a query
/// parameter. LIKE is case-sensitive and ILIKE is not, on both providers: PostgreSQL has both operators; SQLite's LIKE
/// ignores ASCII case, so LIKE becomes GLOB there (the pattern translated) and ILIKE stays LIKE.
/// </summary>
internal sealed class SqlPredicates(bool sqlite)
{
    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string)])!;

    private static readonly MethodInfo Glob = typeof(SqliteDbFunctionsExtensions).GetMethod(
        nameof(SqliteDbFunctionsExtensions.Glob), [typeof(DbFunctions), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string)])!;

    private static readonly MethodInfo EnumerableContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    private static readonly MethodInfo StringLength = typeof(string).GetProperty(nameof(string.Length))!.GetMethod!;

    /// <summary><c>Enumerable.Contains&lt;T&gt;(list, item)</c>, which EF translates to <c>IN</c>.</summary>
    public static MethodInfo ListContains<T>() => EnumerableContains.MakeGenericMethod(typeof(T));

    /// <summary><paramref name="column"/> (a string) compared as the clause says.</summary>
    public Expression String(Expression column, FilterClause clause) => clause.Comparator switch
    {
        "=" => Expression.Equal(column, Parameter(clause.Text!)),
        "!=" => Expression.NotEqual(column, Parameter(clause.Text!)),
        "LIKE" => sqlite
            ? Expression.Call(Glob, Functions, column, Parameter(ToGlob(clause.Text!)))
            : Expression.Call(Like, Functions, column, Parameter(clause.Text!)),
        "ILIKE" => sqlite
            ? Expression.Call(Like, Functions, column, Parameter(clause.Text!))
            : Expression.Call(ILike, Functions, column, Parameter(clause.Text!)),
        "IN" => Expression.Call(ListContains<string>(), Parameter(clause.List!.ToList()), column),
        "NOT IN" => Expression.Not(Expression.Call(ListContains<string>(), Parameter(clause.List!.ToList()), column)),
        _ => throw new InvalidOperationException($"comparator {clause.Comparator} on a string"),
    };

    /// <summary>
    /// <see cref="String"/> on a param or tag value, with what lets PostgreSQL use its partial value index: for "=" and
    /// "IN" with values no longer than <see cref="TrackingModelConfiguration.PostgresIndexedValueLength"/>, the stored
    /// value must be that short too, and saying so (<c>length(value) &lt;= N</c>, the index's own predicate) is what
    /// the planner needs to prove the index applies. Other comparisons cannot use a btree on the value anyway.
    /// </summary>
    public Expression Indexed(Expression column, FilterClause clause)
    {
        var compared = String(column, clause);
        var limit = TrackingModelConfiguration.PostgresIndexedValueLength;
        var bounded = clause.Comparator switch
        {
            "=" => clause.Text!.Length <= limit,
            "IN" => clause.List!.All(v => v.Length <= limit),
            _ => false,
        };
        return sqlite || !bounded
            ? compared
            : Expression.AndAlso(Expression.LessThanOrEqual(Expression.Property(column, StringLength), Expression.Constant(limit)), compared);
    }

    /// <summary><paramref name="column"/> (a number) compared as the clause says.</summary>
    public static Expression Number<T>(Expression column, FilterClause clause, T value)
    {
        var right = Parameter(value);
        return clause.Comparator switch
        {
            "=" => Expression.Equal(column, right),
            "!=" => Expression.NotEqual(column, right),
            "<" => Expression.LessThan(column, right),
            "<=" => Expression.LessThanOrEqual(column, right),
            ">" => Expression.GreaterThan(column, right),
            ">=" => Expression.GreaterThanOrEqual(column, right),
            _ => throw new InvalidOperationException($"comparator {clause.Comparator} on a number"),
        };
    }

    /// <summary>A value EF sends as a parameter: a member of a closure object, not a constant it would inline.</summary>
    public static Expression Parameter<T>(T value) =>
        Expression.Property(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private static Expression Functions => Expression.Property(null, typeof(EF), nameof(EF.Functions));

    /// <summary>A LIKE pattern as a GLOB pattern: % and _ become * and ?, GLOB's own metacharacters are escaped.</summary>
    public static string ToGlob(string like)
    {
        var builder = new System.Text.StringBuilder(like.Length + 8);
        foreach (var c in like)
        {
            builder.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private sealed class Box<T>(T value)
    {
        public T Value { get; } = value;
    }
}
