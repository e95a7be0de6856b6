namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// A browser's cookie session. Stored by the SHA-256 of its id (and of its CSRF token): a copy of
/// the database lets nobody log in. <see cref="Identity"/>: what a login provider said about the user
/// (<see cref="Auth.Providers.LoginIdentity"/> as JSON); null for a session made with the admin token.
/// </summary>
public sealed record AdminSession(
    string IdHash,
    string Subject,
    DateTimeOffset Created,
    DateTimeOffset LastSeen,
    DateTimeOffset Expires,
    string? Address,
    string CsrfTokenHash,
    string? Identity = null);
