using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// The admin capacity guard: taking a backend out of rotation must not leave its service, or its pool,
/// with fewer routable backends than <c>min_routable</c>. Only an action that lowers the count is judged:
/// a backend that is not in rotation now (unhealthy, open breaker, already out) can always be taken out.
/// </summary>
public static class CapacityGuard
{
    /// <summary>The first limit the action would break (scope "service" or "pool {id}"), or null when it may go ahead.</summary>
    public static (string Scope, int Now, int After, int Min)? Check(ServiceDefinition definition, ImmutableArray<BackendSlot> backends, BackendSlot target, AdminState next)
    {
        if (next == AdminState.Enabled || !target.InRotation) return null;
        var now = backends.Count(b => b.InRotation);
        if (now - 1 < definition.Settings.MinRoutable) return ("service", now, now - 1, definition.Settings.MinRoutable);
        foreach (var pool in definition.Pools.Where(p => p.Backends.Any(b => b.Id == target.Definition.Id)))
        {
            var members = backends.Where(b => pool.Backends.Any(p => p.Id == b.Definition.Id)).ToList();
            var inPool = members.Count(b => b.InRotation);
            if (inPool - 1 < pool.Settings.MinRoutable) return ($"pool {pool.Id}", inPool, inPool - 1, pool.Settings.MinRoutable);
        }
        return null;
    }
}
