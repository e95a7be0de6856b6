using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json;

namespace FlowBalance.Tests.Plugins.PrivateDependency;

/// <summary>Test plugin: reports which Newtonsoft.Json it runs with, and uses it on every response.</summary>
public sealed class PrivateDependencyPlugin : IFlowBalancePlugin
{
    public string DisplayName => "Private dependency (test)";

    // Touches its dependencies at creation, so a missing one is reported at load time.
    public IPluginMiddleware Create(IPluginContext context) => new PrivateDependencyMiddleware(
        typeof(JsonConvert).Assembly.GetName().Version!.ToString(),
        Semver.SemVersion.Parse(context.Settings.GetString("version", "1.0.0")!, Semver.SemVersionStyles.Strict).ToString());
}

public sealed class PrivateDependencyMiddleware(string version, string semver) : IPluginMiddleware
{
    public ValueTask OnResponseAsync(HttpContext context, RoutingDecision decision)
    {
        context.Response.Headers["X-Plugin-Json-Version"] = version;
        context.Response.Headers["X-Plugin-Semver"] = semver;
        context.Response.Headers["X-Plugin-Json"] = JsonConvert.SerializeObject(new { backend = decision.BackendId });
        return ValueTask.CompletedTask;
    }
}
