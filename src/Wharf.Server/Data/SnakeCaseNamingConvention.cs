using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Wharf.Server.Data;

/// <summary>
/// Names tables, columns, keys and indexes in snake_case, the PostgreSQL habit (unquoted identifiers fold to lower
/// case, so <c>psql</c> users can type them). Applied to both providers so the two schemas read the same.
/// </summary>
internal sealed class SnakeCaseNamingConvention : IModelFinalizingConvention
{
    public void ProcessModelFinalizing(
        IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var entityType in modelBuilder.Metadata.GetEntityTypes())
        {
            if (entityType.GetTableName() is { } table)
            {
                entityType.SetTableName(ToSnakeCase(table));
            }

            var storeObject = StoreObjectIdentifier.Create(entityType, StoreObjectType.Table);
            foreach (var property in entityType.GetProperties())
            {
                if (storeObject is { } tableObject && property.GetColumnName(tableObject) is { } column)
                {
                    property.SetColumnName(ToSnakeCase(column));
                }
            }

            foreach (var key in entityType.GetDeclaredKeys())
            {
                if (key.GetName() is { } keyName)
                {
                    key.SetName(ToSnakeCase(keyName));
                }
            }

            foreach (var foreignKey in entityType.GetDeclaredForeignKeys())
            {
                if (foreignKey.GetConstraintName() is { } constraint)
                {
                    foreignKey.SetConstraintName(ToSnakeCase(constraint));
                }
            }

            foreach (var index in entityType.GetDeclaredIndexes())
            {
                if (index.GetDatabaseName() is { } indexName)
                {
                    index.SetDatabaseName(ToSnakeCase(indexName));
                }
            }
        }
    }

    /// <summary><c>OutboxDeliveries</c> → <c>outbox_deliveries</c>, <c>PK_Settings</c> → <c>pk_settings</c>.</summary>
    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '_';
                var next = i + 1 < name.Length ? name[i + 1] : '_';
                var startsWord = char.IsLower(previous) || char.IsDigit(previous)
                    || (char.IsUpper(previous) && char.IsLower(next));
                if (i > 0 && previous != '_' && startsWord)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
