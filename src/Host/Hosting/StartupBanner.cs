using System.Text;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>The few human lines printed once the balancer listens.</summary>
public static class StartupBanner
{
    public static string Render(IEnumerable<string> addresses, string configPath, FlowBalanceOptions options)
    {
        var text = new StringBuilder();
        foreach (var address in addresses) text.AppendLine($"FlowBalance listening on {address}");
        text.AppendLine($"  config: {Path.GetFullPath(configPath)}");
        foreach (var service in options.Services)
        {
            text.AppendLine($"  service {service.Name} (host {service.DisplayHost}, {service.Settings.LoadBalancer.Algorithm}):");
            if (service.Backends.IsEmpty) text.AppendLine("    (no backends: requests get 503)");
            foreach (var backend in service.Backends) text.AppendLine($"    {backend.Url} weight {backend.Weight}");
        }
        foreach (var warning in options.Warnings) text.AppendLine($"  warning: {warning}");
        return text.ToString();
    }
}
