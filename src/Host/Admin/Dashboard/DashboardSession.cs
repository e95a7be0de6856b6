using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Overrides;
using Microsoft.AspNetCore.Components.Authorization;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>
/// Who is at this dashboard (one per circuit): the session's user as the admin gate authenticated the
/// circuit's connection, and the address it came from, for the audit log of the actions taken here.
/// </summary>
public sealed class DashboardSession(AuthenticationStateProvider authentication, Akka.Actor.ActorSystem system)
{
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
        return new AdminCaller(User, state.User.FindFirst(AdminClaims.Address)?.Value);
    }
}
