using System.Text;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Plugins;

namespace FlowBalance.Host.Hosting;

/// <summary>The few human lines printed once the balancer listens.</summary>
public static class StartupBanner
{
    /// <param name="newAdminToken">The bootstrap token made on this start, printed once with a login URL.</param>
    public static string Render(IEnumerable<string> addresses, string configPath, FlowBalanceOptions options, PluginSet plugins, IReadOnlyList<string> failedPlugins, string? newAdminToken = null)
    {
        var text = new StringBuilder();
        // Kestrel reports one address per listener, in the order they were bound.
        var bound = addresses.ToList();
        var endpoints = options.Admin.Listen is { } adminListen ? options.Listen.Add(adminListen) : options.Listen;
        for (var i = 0; i < bound.Count; i++)
        {
            var endpoint = bound.Count == endpoints.Length ? endpoints[i] : null;
            var protocols = ReferenceEquals(endpoint, options.Admin.Listen) ? " (admin plane only)"
                : endpoint is null || endpoint.Describe() == "HTTP/1.1" ? "" : $" ({endpoint.Describe()})";
            text.AppendLine($"FlowBalance listening on {bound[i]}{protocols}");
        }
        text.AppendLine($"  config: {Path.GetFullPath(configPath)}");
        foreach (var service in options.Services)
        {
            text.AppendLine($"  service {service.Name} (host {service.DisplayHost}, {service.Settings.LoadBalancer.Algorithm}):");
            if (service.Backends.IsEmpty) text.AppendLine("    (no backends: requests get 503)");
            if (service.Pools.IsEmpty)
            {
                foreach (var backend in service.Backends) text.AppendLine($"    {backend.Url} weight {backend.Weight}");
            }
            foreach (var pool in service.Pools)
            {
                var steering = pool.HasGeoSteering ? $"regions {string.Join(", ", pool.Regions)}" : "default";
                var fallback = pool.FallbackPool is { } f ? $", falls back to {f}" : "";
                text.AppendLine($"    pool {pool.Id} ({steering}{fallback}, {pool.Settings.LoadBalancer.Algorithm}):");
                foreach (var backend in pool.Backends) text.AppendLine($"      {backend.Url} weight {backend.Weight}");
            }
        }
        foreach (var plugin in plugins.All)
        {
            var scope = plugin.Options.Services.IsEmpty ? "all services" : string.Join(", ", plugin.Options.Services);
            text.AppendLine($"  plugin {plugin.Name} {plugin.Source.Version} (order {plugin.Options.Order}, {scope}, fails {plugin.Options.FailureMode.ToString().ToLowerInvariant()})");
        }
        if (failedPlugins.Count > 0) text.AppendLine($"  plugins not loaded: {string.Join(", ", failedPlugins)} (reasons above)");
        if (Tls(options) is { } tls) text.AppendLine($"  tls: {tls}");
        text.AppendLine($"  {GcBudget.Describe(Environment.GetEnvironmentVariable)}");
        // The login line first: a reader that saw the admin line has seen whether there is one.
        if (newAdminToken is not null && bound.Count > 0) text.AppendLine(LoginLine(options.Admin.Listen is null ? bound[0] : bound[^1], options.Admin.Path, newAdminToken));
        text.AppendLine($"  admin: {Admin(options)}");
        if (options.Cluster is { Enabled: true } cluster)
        {
            text.AppendLine($"  cluster: node {cluster.NodeName} in {cluster.Region} at {cluster.PublicAddress} (TLS, pinned certificate), seeds {string.Join(", ", cluster.Seeds)}; joining in the background");
        }
        foreach (var warning in options.Warnings) text.AppendLine($"  warning: {warning}");
        return text.ToString();
    }

    /// <summary>Which names HTTPS serves, from files and from ACME; null without tls.</summary>
    private static string? Tls(FlowBalanceOptions options)
    {
        var parts = new List<string>();
        if (!options.Tls.Certificates.IsEmpty) parts.Add($"certificate files for {string.Join(", ", options.Tls.Certificates.SelectMany(c => c.Hosts))}");
        if (options.Tls.Acme is { } acme) parts.Add($"ACME ({acme.Directory.Host}) for {string.Join(", ", acme.HostsFor(options.Services).DefaultIfEmpty("no host yet"))}, kept in {acme.Storage}");
        if (parts.Count == 0) return null;
        var fallback = options.Tls.Default is { } d ? $"other names get {d}'s" : "other names fail the handshake";
        return $"{string.Join("; ", parts)}; {fallback}; TLS {options.Tls.MinVersion}+";
    }

    /// <summary>Where the admin plane and the metrics are, and who may use them.</summary>
    public static string Admin(FlowBalanceOptions options)
    {
        var path = options.Admin.Path;
        var scrapers = options.Metrics.Allow.IsEmpty ? "loopback" : $"loopback, {string.Join(", ", options.Metrics.Allow)}";
        var metrics = options.Metrics.Enabled ? $"; {path}/metrics ({scrapers}, or a token)" : "";
        var log = options.AccessLog.Path is { } file ? $"; access log {file}" : "";
        var hooks = options.Webhooks.IsEmpty ? "" : $"; webhooks {string.Join(", ", options.Webhooks.Select(w => w.Id))}";
        var where = options.Admin.Listen is { } only ? $" on {only.Url} only" : "";
        var plane = options.Admin.Enabled
            ? $"{path}/ and {path}/api/v1{where} (the admin token or a session; state in {options.Admin.StateDirectory})"
            : $"switched off (admin.enabled = false); {path}/healthz";
        return $"{plane}{metrics}{log}{hooks}";
    }

    /// <summary>The line a first start prints once: where to log in with the new bootstrap token.</summary>
    public static string LoginLine(string firstAddress, string adminPath, string token)
    {
        // A wildcard bind is no address to type into a browser.
        var address = firstAddress.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost");
        return $"  admin login (this token is shown once; only its hash is kept): {address.TrimEnd('/')}{adminPath}/login?token={token}";
    }
}
