using System.Text.Json;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// One backend: <c>GET /api/v1/services/{name}/backends/{id}</c> (its status object),
/// <c>PATCH</c> with <c>{"weight": 1..1000, "state": "enabled" | "disabled" | "draining"}</c> (either or both;
/// <c>?force=true</c> passes the capacity guard) → the status object, 409 from the guard, and
/// <c>DELETE …/override</c> (or <c>…/overrides</c>) to clear it. Actions go through <see cref="BackendActions"/>.
/// </summary>
public sealed class BackendEndpoint(RoutingTableStore routes, BackendActions actions)
{
    /// <summary>A PATCH body is two small fields; anything bigger is not one.</summary>
    private const int MaxBody = 4096;

    public async Task Handle(HttpContext context, string service, string backendId, string[] rest)
    {
        var method = context.Request.Method;
        if (rest.Length == 1 && rest[0] is "override" or "overrides")
        {
            if (!HttpMethods.IsDelete(method)) await AdminResponses.Problem(context, "only DELETE", StatusCodes.Status405MethodNotAllowed);
            else await Answer(context, await actions.ClearAsync(service, backendId, AdminCaller.Of(context), context.RequestAborted));
            return;
        }
        if (rest.Length > 0)
        {
            await AdminResponses.Problem(context, $"no such resource: {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);
            return;
        }
        if (HttpMethods.IsGet(method))
        {
            await Render(context, service, backendId);
            return;
        }
        if (!HttpMethods.IsPatch(method))
        {
            await AdminResponses.Problem(context, "only GET and PATCH", StatusCodes.Status405MethodNotAllowed);
            return;
        }
        var (change, problem) = await ReadChange(context);
        if (change is null)
        {
            actions.AuditRefused(service, backendId, AdminCaller.Of(context), problem!);
            await AdminResponses.Problem(context, problem!);
            return;
        }
        var force = string.Equals(context.Request.Query["force"], "true", StringComparison.OrdinalIgnoreCase);
        await Answer(context, await actions.SetAsync(service, backendId, change, force, AdminCaller.Of(context), context.RequestAborted));
    }

    private Task Answer(HttpContext context, object reply)
    {
        switch (reply)
        {
            case ServiceActor.OverrideApplied applied:
                return Render(context, applied.Service, applied.BackendId);
            case ServiceActor.OverrideRefused refused:
                return AdminResponses.Problem(context,
                    $"refused by the capacity guard: {refused.Scope} of service {refused.Service} would have {refused.RoutableAfter} routable backend(s), fewer than min_routable {refused.MinRoutable}; add ?force=true to do it anyway",
                    StatusCodes.Status409Conflict, new Dictionary<string, object?>
                    {
                        ["scope"] = refused.Scope, ["routable_now"] = refused.RoutableNow, ["routable_after"] = refused.RoutableAfter, ["min_routable"] = refused.MinRoutable,
                    });
            default:
                return AdminResponses.Problem(context, $"no backend {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);
        }
    }

    /// <summary>The backend's status object as the snapshots show it now (after an action: as the actor just published it).</summary>
    private Task Render(HttpContext context, string serviceName, string backendId) =>
        ServicesEndpoint.Find(routes, serviceName) is { } service && StatusJson.Scores(service).FirstOrDefault(s => s.Backend.Definition.Id == backendId) is { Backend: not null } found
            ? ServicesEndpoint.Write(context, json => StatusJson.WriteBackend(json, found.Backend, found.Pool, found.Score))
            : AdminResponses.Problem(context, $"no backend {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);

    private static async Task<(AdminOverride? Change, string? Problem)> ReadChange(HttpContext context)
    {
        var (document, problem) = await SmallJsonBody.ReadAsync(context, MaxBody);
        if (document is null) return (null, problem);
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, """expected {"weight": 1..1000} and/or {"state": "enabled" | "disabled" | "draining"}""");
            int? weight = null;
            AdminState? state = null;
            foreach (var field in document.RootElement.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "weight" when field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var w) && w is >= 1 and <= BackendDefinition.MaxWeight:
                        weight = w;
                        break;
                    case "weight":
                        return (null, $"weight: expected a whole number from 1 to {BackendDefinition.MaxWeight}, found {field.Value.GetRawText()}");
                    case "state" when field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is "enabled" or "disabled" or "draining":
                        state = BackendActions.Parse(field.Value.GetString()!);
                        break;
                    case "state":
                        return (null, $"state: expected \"enabled\", \"disabled\" or \"draining\", found {field.Value.GetRawText()}");
                    default:
                        return (null, $"unknown field '{field.Name}' (known: weight, state)");
                }
            }
            return weight is null && state is null ? (null, "nothing to change: give weight and/or state") : (new AdminOverride(weight, state), null);
        }
    }
}
