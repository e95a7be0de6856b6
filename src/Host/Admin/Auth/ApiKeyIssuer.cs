using System.Globalization;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>Making and revoking API keys, for the API and the dashboard alike: the checks, the record, the audit entry (refusals too).</summary>
public static class ApiKeyIssuer
{
    public const int MaxName = 100;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    /// <summary>A new key (its secret returned here only), or the problem with the request.</summary>
    public static ((ApiKeyRecord Record, string Key)? Issued, string? Problem) Issue(AdminDatabase database, string? name, string? role, string? expires, AdminCaller caller)
    {
        var problem = Check(name, role, expires, out var parsedRole, out var expiry);
        if (problem is not null)
        {
            Audit(database, caller, "key.create", null, $"refused: {problem}");
            return (null, problem);
        }
        var key = ApiKeys.Create();
        var record = new ApiKeyRecord(ApiKeys.NewId(), name!.Trim(), parsedRole.Name(), AdminToken.Hash(key), DateTimeOffset.UtcNow, caller.Name, expiry, null, null, null);
        database.CreateApiKey(record);
        Audit(database, caller, "key.create", record.Id, $"ok: {record.Name}, role {record.Role}, expires {(expiry is { } e ? EventJson.Time(e) : "never")}");
        return ((record, key), null);
    }

    /// <summary>The key after revocation, or null when there is none with that id.</summary>
    public static ApiKeyRecord? Revoke(AdminDatabase database, string id, AdminCaller caller)
    {
        if (database.FindApiKey(id) is not { } key)
        {
            Audit(database, caller, "key.revoke", id, "refused: no such key");
            return null;
        }
        var revoked = database.RevokeApiKey(id, DateTimeOffset.UtcNow);
        Audit(database, caller, "key.revoke", id, revoked ? $"ok: {key.Name}" : "ok: it was already revoked");
        return database.FindApiKey(id);
    }

    private static string? Check(string? name, string? role, string? expires, out AdminRole parsedRole, out DateTimeOffset? expiry)
    {
        parsedRole = AdminRole.Viewer;
        expiry = null;
        if (name is null || name.Trim().Length == 0) return "name is required: what the key is for (\"prometheus\", \"deploy pipeline\")";
        if (name.Trim().Length > MaxName) return $"name: at most {MaxName} characters";
        if (role is null) return "role is required: \"viewer\", \"operator\" or \"admin\"";
        if (AdminRoles.Parse(role) is not { } known) return $"role: expected \"viewer\", \"operator\" or \"admin\", found \"{role}\"";
        parsedRole = known;
        if (expires is null) return null;
        expiry = Expiry(expires);
        if (expiry is null) return $"expires: expected a time (2027-01-01T00:00:00Z), a duration from now (\"90d\", \"12h\", at most 3650 days) or null, found \"{expires}\"";
        return expiry <= DateTimeOffset.UtcNow ? $"expires: {expires} is in the past" : null;
    }

    private static DateTimeOffset? Expiry(string text)
    {
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        return DurationText.Parse(text, TimeSpan.FromSeconds(1)) is { } span && span > TimeSpan.Zero && span <= MaxLifetime ? DateTimeOffset.UtcNow + span : null;
    }

    private static void Audit(AdminDatabase database, AdminCaller caller, string action, string? target, string result) =>
        caller.Audit(database, action, target, null, null, result);
}
