using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>Reads <c>flowbalance.plugins { name { … } }</c>: the host's keys are validated here, the rest kept for the plugin.</summary>
internal static class PluginsReader
{
    public static ImmutableArray<PluginOptions> Read(ConfigNode? plugins, IReadOnlyCollection<string> serviceNames, ConfigErrors errors)
    {
        if (plugins is not { } node) return [];
        if (!node.IsObject)
        {
            errors.Add(node.Path, "expected an object: plugins { my-plugin { enabled = true, order = 1 } }");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<PluginOptions>();
        foreach (var name in node.Fields.Keys)
        {
            var section = node.Child(name)!.Value;
            if (!section.IsObject)
            {
                errors.Add(section.Path, $"expected an object: {name} {{ enabled = true }}");
                continue;
            }
            result.Add(ReadOne(name, section, serviceNames, errors));
        }
        return result.ToImmutable();
    }

    private static PluginOptions ReadOne(string name, ConfigNode section, IReadOnlyCollection<string> serviceNames, ConfigErrors errors)
    {
        var defaults = PluginOptions.Default(name);
        var enabled = section.Child("enabled")?.Bool() ?? defaults.Enabled;
        var order = section.Child("order")?.Int(-10_000, 10_000) ?? defaults.Order;
        var mode = section.Child("failure_mode")?.OneOf(["open", "closed"]) switch
        {
            "closed" => PluginFailureMode.Closed,
            _ => PluginFailureMode.Open,
        };
        var services = ImmutableArray<string>.Empty;
        if (section.Child("services") is { } list)
        {
            services = [.. ReadServices(list, serviceNames)];
        }
        var own = section.Fields.Keys.Where(key => !PluginOptions.HostKeys.Contains(key))
            .ToImmutableDictionary(key => key, key => ConfigTree.From(section.Child(key)!.Value, errors.LineOf));
        var settings = new ConfigTree(section.Path, errors.LineOf(section.Path), null, null, own);
        return new PluginOptions(name, enabled, order, services, mode, settings);
    }

    private static IEnumerable<string> ReadServices(ConfigNode list, IReadOnlyCollection<string> serviceNames)
    {
        if (!list.IsArray)
        {
            list.Errors.Add(list.Path, "expected a list of service names, e.g. [\"api\"]");
            yield break;
        }
        foreach (var element in list.Elements())
        {
            if (element.String() is not { } service) continue;
            // With no configured services (demo mode) there is nothing to check against.
            if (serviceNames.Count > 0 && !serviceNames.Contains(service, StringComparer.OrdinalIgnoreCase))
            {
                element.Errors.Add(element.Path, $"unknown service '{service}' (services: {string.Join(", ", serviceNames)})");
                continue;
            }
            yield return service;
        }
    }
}
