using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Admin.Config;

/// <summary>
/// The semantic difference between two configs: services added, removed and changed (by name, as the
/// ConfigActor matches them; a service is unchanged when <see cref="ServiceDefinition.SameAs"/>), their
/// backends by id, which service settings changed, and which other keys of the <c>flowbalance</c>
/// section changed (compared as JSON trees, so <c>log.level</c> is named rather than "log").
/// </summary>
public sealed record ConfigDiff(
    ImmutableArray<string> ServicesAdded,
    ImmutableArray<string> ServicesRemoved,
    ImmutableArray<ServiceChange> ServicesChanged,
    ImmutableArray<string> Settings)
{
    /// <summary>Keys that describe services: their changes are reported per service, not as settings.</summary>
    private static readonly string[] ServiceKeys = ["services", "hostname", "backends", "pools"];

    public bool IsEmpty => ServicesAdded.IsEmpty && ServicesRemoved.IsEmpty && ServicesChanged.IsEmpty && Settings.IsEmpty;

    public static ConfigDiff Between(FlowBalanceOptions before, Akka.Configuration.Config? beforeHocon, FlowBalanceOptions after, Akka.Configuration.Config? afterHocon)
    {
        var old = before.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var now = after.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var changed = new List<ServiceChange>();
        foreach (var service in after.Services)
        {
            if (old.TryGetValue(service.Name, out var was) && !was.SameAs(service)) changed.Add(Compare(was, service));
        }
        var settings = new List<string>();
        var left = ConfigJson.Section(beforeHocon, mask: false);
        var right = ConfigJson.Section(afterHocon, mask: false);
        foreach (var key in left.Select(p => p.Key).Union(right.Select(p => p.Key)).Where(k => !ServiceKeys.Contains(k)).Order(StringComparer.Ordinal))
        {
            Paths(left[key], right[key], key, settings);
        }
        return new ConfigDiff(
            [.. after.Services.Where(s => !old.ContainsKey(s.Name)).Select(s => s.Name)],
            [.. before.Services.Where(s => !now.ContainsKey(s.Name)).Select(s => s.Name)],
            [.. changed],
            [.. settings]);
    }

    /// <summary>One line for a revision list: "+service api; service web: +backend b2, -backend b1; settings log.level".</summary>
    public string Summary()
    {
        if (IsEmpty) return "no change";
        var text = string.Join("; ", Changes());
        return text.Length <= 200 ? text : text[..197] + "...";
    }

    /// <summary>The changes as sentences, one per service, backend or setting.</summary>
    public IEnumerable<string> Changes()
    {
        foreach (var name in ServicesAdded) yield return $"service {name} added";
        foreach (var name in ServicesRemoved) yield return $"service {name} removed";
        foreach (var service in ServicesChanged)
        {
            foreach (var id in service.BackendsAdded) yield return $"service {service.Name}: backend {id} added";
            foreach (var id in service.BackendsRemoved) yield return $"service {service.Name}: backend {id} removed";
            foreach (var change in service.BackendsChanged) yield return $"service {service.Name}: backend {change}";
            foreach (var setting in service.Settings) yield return $"service {service.Name}: {setting} changed";
        }
        foreach (var setting in Settings) yield return $"{setting} changed";
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("services");
        Strings(json, "added", ServicesAdded);
        Strings(json, "removed", ServicesRemoved);
        json.WriteStartArray("changed");
        foreach (var service in ServicesChanged)
        {
            json.WriteStartObject();
            json.WriteString("name", service.Name);
            json.WriteStartObject("backends");
            Strings(json, "added", service.BackendsAdded);
            Strings(json, "removed", service.BackendsRemoved);
            Strings(json, "changed", service.BackendsChanged);
            json.WriteEndObject();
            Strings(json, "settings", service.Settings);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        Strings(json, "settings", Settings);
        json.WriteEndObject();
    }

    private static ServiceChange Compare(ServiceDefinition was, ServiceDefinition now)
    {
        var old = was.Backends.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var next = now.Backends.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var changed = new List<string>();
        foreach (var backend in now.Backends)
        {
            if (!old.TryGetValue(backend.Id, out var before) || before == backend) continue;
            var parts = new List<string>();
            if (before.Url != backend.Url) parts.Add($"url {before.Url} -> {backend.Url}");
            if (before.Weight != backend.Weight) parts.Add($"weight {before.Weight} -> {backend.Weight}");
            if (before.MaxConnections != backend.MaxConnections) parts.Add("max_connections");
            if (before.Upstream != backend.Upstream) parts.Add("upstream");
            changed.Add($"{backend.Id} ({string.Join(", ", parts)})");
        }
        var settings = new List<string>();
        if (was.Hostname != now.Hostname) settings.Add("hostname");
        foreach (var property in typeof(ServiceSettings).GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            if (!Equals(property.GetValue(was.Settings), property.GetValue(now.Settings))) settings.Add(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
        }
        if (!PoolsSame(was, now)) settings.Add("pools");
        return new ServiceChange(now.Name,
            [.. now.Backends.Where(b => !old.ContainsKey(b.Id)).Select(b => b.Id)],
            [.. was.Backends.Where(b => !next.ContainsKey(b.Id)).Select(b => b.Id)],
            [.. changed],
            [.. settings.Distinct()]);
    }

    private static bool PoolsSame(ServiceDefinition was, ServiceDefinition now) =>
        (was with { Backends = now.Backends, Settings = now.Settings, Hostname = now.Hostname }).SameAs(now);

    /// <summary>Adds the paths (under <paramref name="path"/>) where two JSON trees differ: leaves of objects, whole lists.</summary>
    private static void Paths(JsonNode? left, JsonNode? right, string path, List<string> into)
    {
        if (JsonNode.DeepEquals(left, right)) return;
        if (left is JsonObject a && right is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal)) Paths(a[key], b[key], $"{path}.{key}", into);
            return;
        }
        into.Add(path);
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
