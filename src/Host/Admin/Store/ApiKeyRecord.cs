namespace FlowBalance.Host.Admin.Store;

/// <summary>An API key as stored: never the key, only its SHA-256; when and from where it was last used; revoked keys stay listed.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Name,
    string Role,
    string KeyHash,
    DateTimeOffset Created,
    string CreatedBy,
    DateTimeOffset? Expires,
    DateTimeOffset? LastUsed,
    string? LastAddress,
    DateTimeOffset? Revoked)
{
    public bool UsableAt(DateTimeOffset now) => Revoked is null && (Expires is null || Expires > now);

    /// <summary><c>active</c>, <c>expired</c> or <c>revoked</c>, as the API and the dashboard show it.</summary>
    public string StatusAt(DateTimeOffset now) => Revoked is not null ? "revoked" : UsableAt(now) ? "active" : "expired";
}
