using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Overrides;
using Microsoft.AspNetCore.Components.Authorization;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>
/// Who is at this dashboard (one per circuit): the session's user as the admin gate authenticated the
/// circuit's connection, and the address it came from, for the audit log of the actions taken here; and
/// whether that session still stands (a circuit outlives the request that opened it).
/// </summary>
public sealed class DashboardSession(AuthenticationStateProvider authentication, Akka.Actor.ActorSystem system, Store.AdminDatabase database, FlowBalance.Actors.Configuration.FlowBalanceOptions options)
{
    private string? _session;

    public string Node { get; } = FlowBalance.Actors.Events.FlowEvents.For(system).Node;

    public string User { get; private set; } = "";

    /// <summary>What this user may do here; controls above it are disabled with the reason, and each action checks it again.</summary>
    public AdminRole Role { get; private set; } = AdminRole.Viewer;

    /// <summary>Null when the role allows it, else why not (shown beside the disabled control).</summary>
    public string? Refusal(AdminRole needed) => Role >= needed ? null : $"needs the {needed.Name()} role; you are {Role.Name()}";

    public async Task<AdminCaller> CallerAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        User = state.User.Identity?.Name ?? "unknown";
        Role = AdminRoles.Of(state.User);
        _session = state.User.FindFirst(AdminClaims.Session)?.Value;
        return new AdminCaller(User, state.User.FindFirst(AdminClaims.Address)?.Value);
    }

    /// <summary>
    /// Whether the session this circuit was opened with still stands: not logged out (here, everywhere, or
    /// expired), still allowed by the roles and allow-lists, not past <c>admin.auth.recheck</c>. The layout asks
    /// every few seconds and reloads the page when not, so the admin gate decides again (the login page or the provider).
    /// </summary>
    public bool StillValid()
    {
        if (_session is null) return true;
        var now = DateTimeOffset.UtcNow;
        if (database.FindSession(_session) is not { } session || session.Expires <= now) return false;
        var (standing, _, role) = Auth.Providers.SessionCheck.Judge(session.Identity, session.Created, options.Admin.Auth, now);
        if (role is { } current) Role = current; // roles follow the rules running now
        return standing == Auth.Providers.SessionStanding.Valid;
    }
}
