using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Wharf.Server.Data;

namespace Wharf.Server.Auth;

/// <summary>
/// Checks a username and a password, where the password may be a token (what <c>docker login</c>, skopeo and Basic
/// auth send). A token authenticates on its own: its 256-bit secret identifies the owner, so the username is not
/// consulted (clients fill it with placeholders like <c>oauth2accesstoken</c>).
/// </summary>
internal sealed class CredentialValidator(WharfDbContext db, TokenService tokens, IPasswordHasher<User> hasher)
{
    // Verified when the user does not exist, so a miss costs the same as a wrong password (no username oracle).
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(new User { Username = "dummy" }, "not a password");

    public async Task<AuthPrincipal?> ValidateAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }

        if (password.StartsWith(TokenSecrets.Prefix, StringComparison.Ordinal))
        {
            return await tokens.ValidateAsync(password, cancellationToken);
        }

        if (string.IsNullOrEmpty(username) || username.Length > User.MaxUsernameLength || password.Length > 1024)
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Username == username, cancellationToken);
        if (user?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(new User { Username = username }, DummyHash, password);
            return null;
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed || user.Disabled)
        {
            return null;
        }

        return await tokens.ResolveAsync(PrincipalKind.User, user.Id, tokenId: null, cancellationToken);
    }
}
