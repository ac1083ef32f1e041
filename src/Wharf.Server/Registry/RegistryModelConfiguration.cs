using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Registry;

/// <summary>
/// The registry's tables. Every query the API makes is an index lookup: tags by (repository, name) for listing
/// with <c>last</c>/<c>n</c>, manifests by (repository, digest), referrers by (repository, subject), and blob
/// references by digest for garbage collection.
/// </summary>
internal static class RegistryModelConfiguration
{
    /// <param name="model">The model to add the registry tables to.</param>
    /// <param name="ordinalCollation">
    /// The provider's byte-order collation (PostgreSQL "C"; null on SQLite, whose default BINARY already is), so tags
    /// and names sort in the spec's lexical order whatever the database's locale.
    /// </param>
    public static ModelBuilder ApplyRegistryModel(this ModelBuilder model, string? ordinalCollation)
    {
        model.Entity<RegistryRepository>(e =>
        {
            e.ToTable("registry_repositories");
            e.HasKey(r => r.Id);
            e.Property(r => r.Name).HasMaxLength(RepositoryName.MaxLength).UseCollation(ordinalCollation);
            e.Property(r => r.Project).HasMaxLength(RepositoryName.MaxLength);
            e.HasIndex(r => r.Name).IsUnique();
            e.HasIndex(r => r.Project);
        });

        model.Entity<RegistryBlob>(e =>
        {
            e.ToTable("registry_blobs");
            e.HasKey(b => b.Digest);
            e.Property(b => b.Digest).HasMaxLength(DigestMaxLength);
        });

        model.Entity<RegistryBlobLink>(e =>
        {
            e.ToTable("registry_blob_links");
            e.HasKey(l => new { l.RepositoryId, l.Digest });
            e.Property(l => l.Digest).HasMaxLength(DigestMaxLength);
            e.HasIndex(l => l.Digest);
            e.HasOne<RegistryRepository>().WithMany().HasForeignKey(l => l.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RegistryManifest>(e =>
        {
            e.ToTable("registry_manifests");
            e.HasKey(m => m.Id);
            e.Property(m => m.Digest).HasMaxLength(DigestMaxLength);
            e.Property(m => m.SubjectDigest).HasMaxLength(DigestMaxLength);
            e.Property(m => m.MediaType).HasMaxLength(255);
            e.Property(m => m.ArtifactType).HasMaxLength(255);
            e.HasIndex(m => new { m.RepositoryId, m.Digest }).IsUnique();
            e.HasIndex(m => new { m.RepositoryId, m.SubjectDigest });
            e.HasOne<RegistryRepository>().WithMany().HasForeignKey(m => m.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RegistryManifestReference>(e =>
        {
            e.ToTable("registry_manifest_references");
            e.HasKey(r => new { r.ManifestId, r.Kind, r.Digest });
            e.Property(r => r.Digest).HasMaxLength(DigestMaxLength);
            e.HasIndex(r => r.Digest);
            e.HasOne<RegistryManifest>().WithMany().HasForeignKey(r => r.ManifestId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RegistryTag>(e =>
        {
            e.ToTable("registry_tags");
            e.HasKey(t => new { t.RepositoryId, t.Name });
            e.Property(t => t.Name).HasMaxLength(128).UseCollation(ordinalCollation);
            e.HasIndex(t => t.ManifestId);
            e.HasOne<RegistryRepository>().WithMany().HasForeignKey(t => t.RepositoryId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<RegistryManifest>().WithMany().HasForeignKey(t => t.ManifestId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RegistryUpload>(e =>
        {
            e.ToTable("registry_uploads");
            e.HasKey(u => u.Id);
            e.HasIndex(u => u.UpdatedAt);
            e.HasOne<RegistryRepository>().WithMany().HasForeignKey(u => u.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        });

        return model;
    }

    /// <summary>"sha512:" plus 128 hex characters.</summary>
    private const int DigestMaxLength = 135;
}
