using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>Maps one service object (<c>hostname</c>, <c>backends</c>, <c>pools</c>, settings) to a <see cref="ServiceDefinition"/>.</summary>
internal static class ServiceReader
{
    public static ServiceDefinition? Read(ConfigNode node, ConfigNode? defaults, bool checkKeys = true)
    {
        if (!node.IsObject) return node.Fail<ServiceDefinition>("expected a service object { hostname, backends }");
        if (checkKeys) ConfigKeys.CheckUnknown(node, ConfigKeys.Service);

        var hostname = node.Child("hostname") is { } h ? ReadHostname(h) : null;
        var name = node.Child("name") is { } n ? ReadName(n) : null;
        name ??= DefaultName(hostname);
        var ids = new HashSet<string>(StringComparer.Ordinal); // backend ids are unique across the service's pools
        var settings = SettingsReader.Read(node, defaults, ServiceSettings.Default);
        var backends = node.Child("backends") is { } b ? ReadBackends(b, ids, settings.Upstream) : [];
        var pools = node.Child("pools") is { } p ? ReadPools(p, ids, settings) : [];
        if (!pools.IsEmpty && !backends.IsEmpty)
        {
            // Plain backends beside pools form the pool "default", first in line.
            if (pools.Any(pool => pool.Id == PoolDefinition.DefaultId))
            {
                node.Errors.Add($"{node.Path}.pools", $"pool id '{PoolDefinition.DefaultId}' is taken by the service's own backends list; rename the pool");
            }
            pools = pools.Insert(0, new PoolDefinition(PoolDefinition.DefaultId, backends, [], null, settings));
        }
        ImmutableArray<BackendDefinition> all = pools.IsEmpty ? backends : [.. pools.SelectMany(pool => pool.Backends)];
        if (all.IsEmpty)
        {
            node.Errors.Warn($"service {name} ({hostname ?? "catch-all"}) has no backends: its requests get 503 until backends are added");
        }
        return new ServiceDefinition(name, hostname, all, pools, settings);
    }

    /// <summary>A name usable in actor paths and metrics, derived from the hostname when not given.</summary>
    private static string DefaultName(string? hostname) => hostname switch
    {
        null => "default",
        _ when hostname.StartsWith("*.", StringComparison.Ordinal) => "wildcard." + hostname[2..],
        _ => hostname,
    };

    private static string? ReadName(ConfigNode node)
    {
        var name = node.String();
        if (name is null) return null;
        return name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : node.Fail<string>($"must use only letters, digits, '-', '_' and '.', found '{name}'");
    }

    private static string? ReadHostname(ConfigNode node)
    {
        var text = node.String();
        if (text is null || text.Length == 0 || text == "*") return null;
        var host = text.ToLowerInvariant();
        if (host.Contains("://", StringComparison.Ordinal) || host.Contains(':') || host.Contains('/'))
        {
            return node.Fail<string>($"must be a bare hostname such as api.example.com (no scheme, port or path), found '{text}'");
        }
        var labels = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        var valid = labels.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        return valid ? host : node.Fail<string>($"is not a valid hostname or *.wildcard: '{text}'");
    }

    public static ImmutableArray<BackendDefinition> ReadBackends(ConfigNode node, HashSet<string>? ids, UpstreamOptions upstream)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<BackendDefinition>>("expected a list of backend URLs") ?? [];
        var result = ImmutableArray.CreateBuilder<BackendDefinition>();
        ids ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in node.Elements())
        {
            if (ReadBackend(element) is not var (url, weight, maxConnections)) continue;
            var own = element.IsObject ? UpstreamReader.ReadBackend(element, upstream) : upstream;
            var baseId = $"{url.Host}-{url.Port}".Replace('[', '_').Replace(']', '_').Replace(':', '_');
            var id = baseId;
            for (var i = 2; !ids.Add(id); i++) id = $"{baseId}-{i}";
            result.Add(new BackendDefinition(id, url, weight, maxConnections) { Upstream = own });
        }
        return result.ToImmutable();
    }

    private static (Uri Url, int Weight, int? MaxConnections)? ReadBackend(ConfigNode element)
    {
        if (element.IsObject)
        {
            ConfigKeys.CheckUnknown(element, ConfigKeys.Backend);
            var urlNode = element.Child("url");
            if (urlNode is null)
            {
                element.Errors.Add(element.Path, "a backend object needs \"url\"");
                return null;
            }
            var url = ReadUrl(urlNode.Value);
            var weight = element.Child("weight") is { } w ? w.Int(1, BackendDefinition.MaxWeight) : 1;
            var limit = element.Child("max_connections") is { } m ? m.Int(0, ServiceSettings.MaxConnectionsLimit) : null;
            if (element.Child("max_connections") is not null && limit is null) return null;
            return url is null || weight is null ? null : (url, weight.Value, limit);
        }
        var plain = ReadUrl(element);
        return plain is null ? null : (plain, 1, null);
    }

    private static Uri? ReadUrl(ConfigNode node)
    {
        var text = node.Scalar("a backend URL or {\"url\": …, \"weight\": …}");
        if (text is null) return null;
        var shown = UrlText.Redact(text); // never echo a password
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return node.Fail<Uri>($"backend URL must be an absolute http:// or https:// URL, found '{shown}'");
        }
        if (uri.UserInfo.Length > 0)
        {
            // The forwarder would not send them, and the URL is printed in the banner and the logs.
            return node.Fail<Uri>($"backend URL must not contain a user or password (FlowBalance does not send them), found '{shown}'");
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return node.Fail<Uri>($"backend URL must not have a query or fragment, found '{shown}'");
        }
        if (uri.Port == 0)
        {
            return node.Fail<Uri>($"backend URL needs a port between 1 and 65535, found '{shown}'");
        }
        return uri;
    }

    private static ImmutableArray<PoolDefinition> ReadPools(ConfigNode node, HashSet<string> backendIds, ServiceSettings serviceSettings)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<PoolDefinition>>("expected a list of pools") ?? [];
        var pools = ImmutableArray.CreateBuilder<PoolDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in node.Elements())
        {
            if (!element.IsObject)
            {
                element.Errors.Add(element.Path, "expected a pool object { id, backends, geo_steering }");
                continue;
            }
            ConfigKeys.CheckUnknown(element, ConfigKeys.Pool);
            var id = element.Child("id")?.String();
            if (id is null)
            {
                if (element.Child("id") is null) element.Errors.Add(element.Path, "a pool needs an \"id\"");
                continue;
            }
            if (!ids.Add(id)) element.Errors.Add($"{element.Path}.id", $"duplicate pool id '{id}'");
            // A pool's own settings override the service's, key by key.
            var settings = SettingsReader.Read(element, defaults: null, serviceSettings, clientAccess: false);
            var backends = element.Child("backends") is { } b ? ReadBackends(b, backendIds, settings.Upstream) : [];
            ImmutableArray<string> regions = [];
            string? fallback = null;
            if (element.Child("geo_steering") is { } geo)
            {
                if (!geo.IsObject) geo.Errors.Add(geo.Path, "expected an object { regions, fallback_pool }");
                ConfigKeys.CheckUnknown(geo, ConfigKeys.GeoSteering);
                regions = geo.Child("regions") is { } r ? ReadRegions(r) : [];
                fallback = geo.Child("fallback_pool")?.String();
            }
            pools.Add(new PoolDefinition(id, backends, regions, fallback, settings));
        }
        var result = pools.ToImmutable();
        CheckFallbacks(result, node);
        return result;
    }

    /// <summary>Every fallback_pool names a pool, and following them never comes back to where it started.</summary>
    private static void CheckFallbacks(ImmutableArray<PoolDefinition> pools, ConfigNode node)
    {
        var byId = pools.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First());
        for (var i = 0; i < pools.Length; i++)
        {
            var path = $"{node.Path}[{i}].geo_steering.fallback_pool";
            if (pools[i].FallbackPool is not { } fallback) continue;
            if (!byId.ContainsKey(fallback))
            {
                node.Errors.Add(path, $"unknown pool '{fallback}' (pools: {string.Join(", ", byId.Keys)})");
                continue;
            }
            var chain = new List<string> { pools[i].Id };
            for (var next = fallback; next is not null && byId.TryGetValue(next, out var pool); next = pool.FallbackPool)
            {
                chain.Add(next);
                if (next == pools[i].Id)
                {
                    node.Errors.Add(path, $"fallback pools form a cycle: {string.Join(" -> ", chain)}");
                    break;
                }
                if (chain.Count > pools.Length + 1) break; // a cycle not through this pool: reported from its own pools
            }
        }
    }

    private static ImmutableArray<string> ReadRegions(ConfigNode node)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<string>>("expected a list of region codes such as [\"US\", \"CA\"]") ?? [];
        var regions = ImmutableArray.CreateBuilder<string>();
        foreach (var element in node.Elements())
        {
            var code = element.String();
            if (code is null) continue;
            if (code.Length is < 2 or > 3 || !code.All(char.IsAsciiLetter))
            {
                element.Errors.Add(element.Path, $"expected a country or continent code such as \"US\" or \"EU\", found '{code}'");
                continue;
            }
            regions.Add(code.ToUpperInvariant());
        }
        return regions.ToImmutable();
    }
}
