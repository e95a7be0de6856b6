using System.Collections.Concurrent;
using System.Security.Claims;
using FlowBalance.Host.Admin.Store;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// Checks a presented API key against the database (by its hash) and records its use: the key's last-used
/// time and address, and a <c>key.use</c> audit entry, at most once a minute per key, so a scraper using a
/// key every few seconds does not write on every scrape.
/// </summary>
public sealed class ApiKeyAuthenticator(AdminDatabase database)
{
    private static readonly TimeSpan RecordEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _recorded = new();

    /// <summary>The key's identity, or null with the reason it is refused.</summary>
    public (ClaimsIdentity? Identity, string? Refusal) Authenticate(string key, string? address, string scheme)
    {
        var now = DateTimeOffset.UtcNow;
        if (database.FindApiKeyByHash(AdminToken.Hash(key)) is not { } record) return (null, "no such API key");
        if (record.Revoked is not null) return (null, $"API key {record.Id} was revoked");
        if (!record.UsableAt(now)) return (null, $"API key {record.Id} expired");
        if (!_recorded.TryGetValue(record.Id, out var last) || now - last >= RecordEvery)
        {
            _recorded[record.Id] = now;
            database.TouchApiKey(record.Id, now, address);
            database.AppendAudit(new AuditEntry(0, now, Subject(record), address, "key.use", record.Id, null, null, "ok"));
        }
        return (new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, Subject(record)), new Claim(AdminClaims.Method, "key"), new Claim(AdminClaims.Role, record.Role),
        ], scheme), null);
    }

    public static string Subject(ApiKeyRecord record) => $"key:{record.Name} ({record.Id})";
}
