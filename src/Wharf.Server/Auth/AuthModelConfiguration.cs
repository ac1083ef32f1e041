using Microsoft.EntityFrameworkCore;

namespace Wharf.Server.Auth;

/// <summary>The auth tables: projects, users, service accounts, members, tokens and their grants, the audit log.</summary>
internal static class AuthModelConfiguration
{
    public static ModelBuilder ApplyAuthModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Project>(b =>
        {
            b.ToTable("projects");
            b.Property(p => p.Name).HasMaxLength(Project.MaxNameLength);
            b.HasIndex(p => p.Name).IsUnique();
        });

        modelBuilder.Entity<User>(b =>
        {
            b.ToTable("users");
            b.Property(u => u.Username).HasMaxLength(User.MaxUsernameLength);
            b.Property(u => u.PasswordHash).HasMaxLength(512);
            b.HasIndex(u => u.Username).IsUnique();
        });

        modelBuilder.Entity<ServiceAccount>(b =>
        {
            b.ToTable("service_accounts");
            b.Property(s => s.Name).HasMaxLength(ServiceAccount.MaxNameLength);
            b.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
            b.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ProjectMember>(b =>
        {
            b.ToTable("project_members", t => t.HasCheckConstraint(
                "ck_project_members_one_principal",
                "(user_id IS NULL) <> (service_account_id IS NULL)"));
            // Stored by name so the table reads without the enum at hand.
            b.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(m => new { m.ProjectId, m.UserId }).IsUnique();
            b.HasIndex(m => new { m.ProjectId, m.ServiceAccountId }).IsUnique();
            b.HasIndex(m => m.UserId);
            b.HasIndex(m => m.ServiceAccountId);
            b.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<ServiceAccount>().WithMany().HasForeignKey(m => m.ServiceAccountId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AccessToken>(b =>
        {
            b.ToTable("access_tokens", t => t.HasCheckConstraint(
                "ck_access_tokens_one_owner",
                "(user_id IS NULL) <> (service_account_id IS NULL)"));
            b.Property(t => t.Name).HasMaxLength(AccessToken.MaxNameLength);
            b.Property(t => t.SecretHash).HasMaxLength(32);
            // Validation looks a token up by the hash of the presented secret.
            b.HasIndex(t => t.SecretHash).IsUnique();
            b.HasIndex(t => t.UserId);
            b.HasIndex(t => t.ServiceAccountId);
            b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<ServiceAccount>().WithMany().HasForeignKey(t => t.ServiceAccountId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(t => t.Grants).WithOne().HasForeignKey(g => g.TokenId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AccessTokenGrant>(b =>
        {
            b.ToTable("access_token_grants");
            b.HasIndex(g => new { g.TokenId, g.ProjectId }).IsUnique();
            b.HasOne<Project>().WithMany().HasForeignKey(g => g.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AuditEntry>(b =>
        {
            b.ToTable("audit_log");
            b.Property(a => a.Actor).HasMaxLength(AuditEntry.MaxActorLength);
            b.Property(a => a.Action).HasMaxLength(AuditEntry.MaxActionLength);
            b.Property(a => a.Target).HasMaxLength(AuditEntry.MaxTargetLength);
            b.Property(a => a.Outcome).HasMaxLength(AuditEntry.MaxOutcomeLength);
            b.Property(a => a.RemoteAddress).HasMaxLength(AuditEntry.MaxRemoteAddressLength);
            b.HasIndex(a => a.At);
        });

        return modelBuilder;
    }
}
