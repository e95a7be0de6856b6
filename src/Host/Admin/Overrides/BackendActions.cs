using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Host.Admin.Store;

namespace FlowBalance.Host.Admin.Overrides;

/// <summary>
/// Operational actions on a backend: the actors decide (the ServiceActor applies the override, or its
/// capacity guard refuses), then the result is persisted in admin.db and audited, refusals included.
/// The request path never sees this class: it reads the snapshots the actors publish.
/// </summary>
public sealed class BackendActions(IRequiredActor<ConfigActor> config, AdminDatabase database, RoutingTableStore routes)
{
    /// <summary>An admin call waits this long for the actors (they answer in microseconds; a reload may queue it briefly).</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    // One action at a time: the database then records overrides in the order the actors applied them.
    private readonly SemaphoreSlim _serial = new(1, 1);

    /// <summary>Merges <paramref name="change"/> into the backend's override. -> OverrideApplied | OverrideRefused | UnknownBackend</summary>
    public Task<object> SetAsync(string service, string backendId, AdminOverride change, bool force, AdminCaller caller, CancellationToken cancel) =>
        Serially(new ServiceActor.SetOverride(service, backendId, change, force), service, backendId, change, force, caller, cancel);

    /// <summary>Clears the backend's override: the file's weight, enabled. -> OverrideApplied | UnknownBackend</summary>
    public Task<object> ClearAsync(string service, string backendId, AdminCaller caller, CancellationToken cancel) =>
        Serially(new ServiceActor.ClearOverride(service, backendId), service, backendId, null, false, caller, cancel);

    /// <summary>Puts the stored overrides back once the routing actors run (startup); those of backends that no longer exist are dropped.</summary>
    public async Task<IReadOnlyList<BackendOverride>> RestoreAsync(CancellationToken cancel)
    {
        var dropped = new List<BackendOverride>();
        var actor = await config.GetAsync(cancel);
        foreach (var stored in database.ReadOverrides())
        {
            var change = new AdminOverride(stored.Weight, stored.State is { } state ? Parse(state) : null);
            var reply = await actor.Ask<object>(new ServiceActor.SetOverride(stored.Service, stored.BackendId, change, Force: true), AskTimeout, cancel);
            if (reply is ServiceActor.UnknownBackend)
            {
                database.ClearOverride(stored.Service, stored.BackendId);
                dropped.Add(stored);
            }
        }
        return dropped;
    }

    public static AdminState Parse(string state) => state switch
    {
        "draining" => AdminState.Draining,
        "disabled" => AdminState.Disabled,
        _ => AdminState.Enabled,
    };

    /// <summary>An override as the audit log shows it: <c>{"weight":3,"state":"disabled"}</c>, or <c>none</c>.</summary>
    public static string Describe(AdminOverride value) => value.IsEmpty ? "none" : JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["weight"] = value.Weight,
        ["state"] = value.State is { } state ? StateNames.Of(state) : null,
    });

    private async Task<object> Serially(object command, string service, string backendId, AdminOverride? change, bool force, AdminCaller caller, CancellationToken cancel)
    {
        await _serial.WaitAsync(cancel);
        try
        {
            var reply = await config.ActorRef.Ask<object>(command, AskTimeout, cancel);
            var action = change is null ? "backend.override.clear" : "backend.override";
            var target = $"{service}/{backendId}";
            switch (reply)
            {
                case ServiceActor.OverrideApplied applied:
                    if (applied.After.IsEmpty) database.ClearOverride(service, backendId);
                    else database.SetOverride(new BackendOverride(service, backendId, applied.After.Weight,
                        applied.After.State is { } state ? StateNames.Of(state) : null, DateTimeOffset.UtcNow, caller.Name));
                    Audit(caller, action, target, Describe(applied.Before), Describe(applied.After), force ? "ok: forced past the capacity guard" : "ok");
                    break;
                case ServiceActor.OverrideRefused refused:
                    var before = Current(service, backendId);
                    Audit(caller, action, target, Describe(before), Describe(before.With(change!)),
                        $"refused: capacity guard: {refused.Scope} would have {refused.RoutableAfter} routable backend(s) (now {refused.RoutableNow}, min_routable {refused.MinRoutable})");
                    break;
                default:
                    Audit(caller, action, target, null, change is null ? null : Describe(change), "refused: no such service or backend");
                    break;
            }
            return reply;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>A refusal left in the audit log for a request that never reached the actors (a bad body).</summary>
    public void AuditRefused(string service, string backendId, AdminCaller caller, string reason) =>
        Audit(caller, "backend.override", $"{service}/{backendId}", null, null, $"refused: {reason}");

    private AdminOverride Current(string service, string backendId) =>
        routes.Current.Services.FirstOrDefault(s => s.Definition.Name == service)?.Backends.FirstOrDefault(b => b.Definition.Id == backendId)?.Admin.Override
        ?? AdminOverride.None;

    private void Audit(AdminCaller caller, string action, string target, string? before, string? after, string result) =>
        caller.Audit(database, action, target, before, after, result);
}
