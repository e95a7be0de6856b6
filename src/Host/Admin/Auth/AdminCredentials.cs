using FlowBalance.Host.Admin.Store;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// Who may use the admin plane before real users exist (the security issue adds them): the holder of
/// the admin token. <c>FLOWBALANCE_ADMIN_TOKEN</c> sets it (for automation; it is never stored or
/// printed). Otherwise the first start creates a bootstrap token, keeps only its hash in the admin
/// database and prints a login URL with it once (<see cref="NewToken"/>); later starts use the hash.
/// </summary>
public sealed class AdminCredentials
{
    public const string BootstrapHashSetting = "bootstrap_token_sha256";

    private readonly string _hash;

    private AdminCredentials(string hash, string subject, string? newToken)
    {
        _hash = hash;
        Subject = subject;
        NewToken = newToken;
    }

    /// <summary>Who a token holder is in the audit log: <c>token:environment</c> or <c>token:bootstrap</c>.</summary>
    public string Subject { get; }

    /// <summary>The bootstrap token made on this start (print it once), or null.</summary>
    public string? NewToken { get; }

    public static AdminCredentials Resolve(AdminDatabase database, Func<string, string?> environment)
    {
        if (environment(AdminToken.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return new AdminCredentials(AdminToken.Hash(fromEnvironment), "token:environment", null);
        }
        if (database.GetSetting(BootstrapHashSetting) is { } stored) return new AdminCredentials(stored, "token:bootstrap", null);
        var token = AdminToken.Create();
        database.SetSetting(BootstrapHashSetting, AdminToken.Hash(token));
        return new AdminCredentials(AdminToken.Hash(token), "token:bootstrap", token);
    }

    public bool Verify(string token) => token.Length > 0 && AdminToken.Matches(token, _hash);
}
