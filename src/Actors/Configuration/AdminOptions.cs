using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>admin { enabled, path, listen, state_dir, session_timeout, allow, auth }</c>: the admin plane under <see cref="Path"/> on the
/// main listeners (or only on <see cref="Listen"/>), closed to anyone without credentials (the bootstrap token, <c>FLOWBALANCE_ADMIN_TOKEN</c>,
/// or a session made with one). <see cref="StateDirectory"/> holds its SQLite database.
/// </summary>
public sealed record AdminOptions(bool Enabled, string Path, string StateDirectory, TimeSpan SessionTimeout)
{
    /// <summary><c>admin.listen</c>: the admin plane answers only on this listener (and nothing is proxied there); null = on the main listeners.</summary>
    public ListenEndpoint? Listen { get; init; }

    /// <summary><c>admin.allow</c>: the client addresses the admin plane answers (403 for others, before any authentication); empty = any.</summary>
    public ImmutableArray<IPNetwork> Allow { get; init; } = [];

    /// <summary><c>admin.auth</c>: GitHub, Google and OpenID Connect logins and the roles they get.</summary>
    public AdminAuthOptions Auth { get; init; } = AdminAuthOptions.None;

    public const string DefaultPath = "/__lb_admin__";

    public static readonly TimeSpan DefaultSessionTimeout = TimeSpan.FromHours(12);

    public static AdminOptions Default(string stateDirectory) => new(true, DefaultPath, stateDirectory, DefaultSessionTimeout);
}
