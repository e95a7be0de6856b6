using System.Collections.Immutable;
using System.Net;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Reads a service's settings key by key: the service's own value wins, then the value at the top
/// of <c>flowbalance</c>, then the built-in default. Each object is checked for unknown keys once.
/// </summary>
internal static class SettingsReader
{
    /// <param name="clientAccess">Whether this object may set <c>rate_limit</c>, <c>ip_allow</c> and <c>ip_deny</c> (a service or the top level; a pool may not).</param>
    public static ServiceSettings Read(ConfigNode? own, ConfigNode? defaults, ServiceSettings fallback, bool clientAccess = true)
    {
        var layers = new Layers(own, defaults);
        var d = fallback;
        var active = layers.Section("activeHealthChecks", ConfigKeys.ActiveHealthChecks);
        var passive = layers.Section("passiveHealthChecks", ConfigKeys.PassiveHealthChecks);
        var breaker = passive.Section("circuit_breaker", ConfigKeys.CircuitBreaker);
        var connection = layers.Section("connection_error_handling", ConfigKeys.ConnectionErrors);
        var balancer = layers.Section("load_balancer", ConfigKeys.LoadBalancer);
        var affinity = balancer.Section("session_affinity", ConfigKeys.SessionAffinity);

        var ms = TimeSpan.FromMilliseconds(1);
        var seconds = TimeSpan.FromSeconds(1);
        return new ServiceSettings(
            PreserveHost: layers.Get("preserve_host", n => n.Bool()) ?? d.PreserveHost,
            Retries: layers.Get("retries", n => n.Int(0, 10)) ?? d.Retries,
            RequestTimeout: layers.Get("request_timeout_ms", n => n.Duration(ms, seconds, TimeSpan.FromHours(1))) ?? d.RequestTimeout,
            new ActiveHealthCheckOptions(
                Enabled: active.Get("enabled", n => n.Bool()) ?? d.ActiveHealthChecks.Enabled,
                Path: active.GetRef("path", ReadPath) ?? d.ActiveHealthChecks.Path,
                Interval: active.Get("interval", n => n.Duration(seconds, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24))) ?? d.ActiveHealthChecks.Interval,
                Timeout: active.Get("timeout", n => n.Duration(seconds, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10))) ?? d.ActiveHealthChecks.Timeout,
                ConsecutiveUp: active.Get("consecutive_up", n => n.Int(1, 100)) ?? d.ActiveHealthChecks.ConsecutiveUp,
                ConsecutiveDown: active.Get("consecutive_down", n => n.Int(1, 100)) ?? d.ActiveHealthChecks.ConsecutiveDown,
                UnhealthyInterval: active.Get("unhealthy_interval", n => n.Duration(seconds, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24))) ?? d.ActiveHealthChecks.UnhealthyInterval)
            {
                Type = active.GetRef("type", n => n.OneOf(ActiveHealthCheckOptions.Types)) ?? d.ActiveHealthChecks.Type,
                GrpcService = active.GetRef("grpc_service", n => n.String()) ?? d.ActiveHealthChecks.GrpcService,
            },
            new CircuitBreakerOptions(
                FailureThreshold: breaker.Get("failure_threshold", n => n.Int(1, 10_000)) ?? d.CircuitBreaker.FailureThreshold,
                RecoveryTimeout: breaker.Get("recovery_timeout_ms", n => n.Duration(ms, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24))) ?? d.CircuitBreaker.RecoveryTimeout,
                ErrorRateThreshold: breaker.Get("error_rate_threshold", n => n.Number(1, 100)) ?? d.CircuitBreaker.ErrorRateThreshold,
                ErrorRateWindow: breaker.Get("error_rate_window_ms", n => n.Duration(ms, seconds, TimeSpan.FromHours(1))) ?? d.CircuitBreaker.ErrorRateWindow,
                ErrorRateMinRequests: breaker.Get("error_rate_min_requests", n => n.Int(1, 1_000_000)) ?? d.CircuitBreaker.ErrorRateMinRequests,
                FailureStatuses: breaker.Get("failure_statuses", ReadStatuses) ?? d.CircuitBreaker.FailureStatuses),
            new ConnectionErrorOptions(
                ImmediateFailover: connection.Get("immediate_failover", n => n.Bool()) ?? d.ConnectionErrors.ImmediateFailover,
                MaxConnectionRetries: connection.Get("max_connection_retries", n => n.Int(0, 10)) ?? d.ConnectionErrors.MaxConnectionRetries,
                ConnectionTimeout: connection.Get("connection_timeout_ms", n => n.Duration(ms, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10))) ?? d.ConnectionErrors.ConnectionTimeout),
            new LoadBalancerOptions(
                Algorithm: balancer.GetRef("algorithm", n => n.OneOf(LoadBalancerOptions.Algorithms)) ?? d.LoadBalancer.Algorithm,
                new SessionAffinityOptions(
                    Type: affinity.GetRef("type", n => n.OneOf(SessionAffinityOptions.Types)) ?? d.LoadBalancer.SessionAffinity.Type,
                    CookieName: affinity.GetRef("cookie_name", n => n.Token()) ?? d.LoadBalancer.SessionAffinity.CookieName,
                    HeaderName: affinity.GetRef("header_name", n => n.Token()) ?? d.LoadBalancer.SessionAffinity.HeaderName,
                    MaxAge: affinity.Get("max_age", n => n.Duration(seconds, TimeSpan.Zero, TimeSpan.FromDays(400))) ?? d.LoadBalancer.SessionAffinity.MaxAge,
                    Secret: affinity.GetRef("secret", ReadSecret) ?? d.LoadBalancer.SessionAffinity.Secret)),
            SlowStart: layers.Get("slow_start_ms", n => n.Duration(ms, TimeSpan.Zero, TimeSpan.FromHours(1))) ?? d.SlowStart,
            RetryBufferBytes: layers.Get("retry_buffer_bytes", n => n.Int(0, 64 * 1024 * 1024)) ?? d.RetryBufferBytes,
            PanicThreshold: layers.Get("panic_threshold", n => n.Number(0, 100)) ?? d.PanicThreshold,
            MaxConnections: layers.Get("max_connections", n => n.Int(0, ServiceSettings.MaxConnectionsLimit)) ?? d.MaxConnections,
            MaxQueue: layers.Get("max_queue", n => n.Int(0, 1_000_000)) ?? d.MaxQueue,
            QueueTimeout: layers.Get("queue_timeout_ms", n => n.Duration(ms, TimeSpan.Zero, TimeSpan.FromMinutes(10))) ?? d.QueueTimeout)
        {
            RedirectHttps = layers.Get("redirect_https", n => n.Bool()) ?? d.RedirectHttps,
            MaxRequestBodySize = layers.Get("max_request_body_size", n => n.Long(0, ServiceSettings.MaxRequestBodySizeLimit)) ?? d.MaxRequestBodySize,
            ForwardedHeaders = layers.GetRef("forwarded_headers", n => n.OneOf(ServiceSettings.ForwardedHeadersModes)) ?? d.ForwardedHeaders,
            MinRoutable = layers.Get("min_routable", n => n.Int(0, 100_000)) ?? d.MinRoutable,
            DrainTimeout = layers.Get("drain_timeout", n => n.Duration(seconds, TimeSpan.Zero, TimeSpan.FromHours(24))) ?? d.DrainTimeout,
            Hsts = ReadHsts(layers.Section("hsts", ConfigKeys.Hsts), d.Hsts),
            Upstream = UpstreamReader.Read(own, defaults, d.Upstream),
            ClientAccess = clientAccess ? ReadClientAccess(layers, d.ClientAccess) : d.ClientAccess,
        };
    }

    /// <summary><c>ip_allow</c>, <c>ip_deny</c> (a service's list replaces the top level's) and <c>rate_limit { }</c> (key by key).</summary>
    private static ClientAccessOptions? ReadClientAccess(Layers layers, ClientAccessOptions? fallback)
    {
        var allow = layers.Get("ip_allow", n => (ImmutableArray<IPNetwork>?)GeoReader.ReadNetworks(n));
        var deny = layers.Get("ip_deny", n => (ImmutableArray<IPNetwork>?)GeoReader.ReadNetworks(n));
        var ip = fallback?.Ip;
        if (allow is not null || deny is not null)
        {
            var allowed = allow ?? ip?.Allow.Networks ?? [];
            var denied = deny ?? ip?.Deny.Networks ?? [];
            ip = allowed.IsEmpty && denied.IsEmpty ? null : new IpRules(new IpRanges(allowed), new IpRanges(denied));
        }
        var limit = ReadRateLimit(layers.Section("rate_limit", ConfigKeys.RateLimit), fallback?.RateLimit);
        return ip is null && limit is null ? null : new ClientAccessOptions(ip, limit);
    }

    private static RateLimitOptions? ReadRateLimit(Layers section, RateLimitOptions? fallback)
    {
        if (section.Own is null && section.Defaults is null) return fallback;
        var node = (section.Own ?? section.Defaults)!.Value;
        var rate = section.Get("requests_per_second", n => n.Number(0, RateLimitOptions.MaxRequestsPerSecond)) ?? fallback?.RequestsPerSecond;
        var burst = section.Get("burst", n => n.Int(1, int.MaxValue)) ?? fallback?.Burst;
        var key = section.GetRef("key", ReadLimitKey) ?? fallback?.KeyText ?? RateLimitOptions.ByIp;
        if (rate is null)
        {
            node.Errors.Add(node.Path, "needs requests_per_second (0 turns the limit off), e.g. rate_limit { requests_per_second = 100, burst = 20 }");
            return null;
        }
        if (rate == 0) return null; // off, e.g. for one service under a top-level limit
        var header = key.StartsWith(RateLimitOptions.ByHeader + ":", StringComparison.Ordinal) ? key[(RateLimitOptions.ByHeader.Length + 1)..] : null;
        // One second's worth of requests when burst is not given.
        return new RateLimitOptions(rate.Value, burst ?? (int)Math.Min(int.MaxValue, Math.Ceiling(rate.Value)), header is null ? key : RateLimitOptions.ByHeader, header);
    }

    /// <summary><c>ip</c>, <c>service</c> or <c>header:Name</c>; returned as written with the kind in lower case.</summary>
    private static string? ReadLimitKey(ConfigNode node)
    {
        var text = node.String();
        if (text is null) return null;
        if (text.Equals(RateLimitOptions.ByIp, StringComparison.OrdinalIgnoreCase)) return RateLimitOptions.ByIp;
        if (text.Equals(RateLimitOptions.ByService, StringComparison.OrdinalIgnoreCase)) return RateLimitOptions.ByService;
        var prefix = RateLimitOptions.ByHeader + ":";
        if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = text[prefix.Length..].Trim();
            if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return prefix + name;
            return node.Fail<string>($"header:<Name> needs a header name (letters, digits, '-', '_', '.'), found '{text}'");
        }
        return node.Fail<string>($"must be ip, service or header:<Name> (such as header:X-Api-Key), found '{text}'");
    }

    private static HstsOptions? ReadHsts(Layers hsts, HstsOptions? fallback)
    {
        if (hsts.Own is null && hsts.Defaults is null) return fallback;
        var d = fallback ?? new HstsOptions(HstsOptions.DefaultMaxAge, false, false);
        var maxAge = hsts.Get("max_age", n => n.Duration(TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromDays(3650))) ?? d.MaxAge;
        var preload = hsts.Get("preload", n => n.Bool()) ?? d.Preload;
        var subdomains = hsts.Get("include_subdomains", n => n.Bool()) ?? d.IncludeSubdomains;
        if (preload && (!subdomains || maxAge < TimeSpan.FromDays(365)))
        {
            (hsts.Own ?? hsts.Defaults)!.Value.Errors.Add((hsts.Own ?? hsts.Defaults)!.Value.Path + ".preload",
                "the preload list (hstspreload.org) needs include_subdomains = true and max_age of at least 1 year (31536000)");
        }
        return new HstsOptions(maxAge, subdomains, preload);
    }

    private static ImmutableArray<int>? ReadStatuses(ConfigNode node)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<int>>("expected a list of HTTP status codes such as [502, 503, 504]");
        var statuses = node.Elements().Select(e => e.Int(100, 599)).ToList();
        return statuses.All(s => s is not null) ? [.. statuses.Select(s => s!.Value)] : null;
    }

    private static string? ReadSecret(ConfigNode node)
    {
        var secret = node.String();
        return secret is null || secret.Length >= 16 ? secret : node.Fail<string>("must be at least 16 characters long");
    }

    private static string? ReadPath(ConfigNode node)
    {
        var path = node.String();
        return path is null || path.StartsWith('/') ? path : node.Fail<string>($"must start with '/', found '{path}'");
    }

    /// <summary>The same section in the service (first) and at the top level (second).</summary>
    private readonly record struct Layers(ConfigNode? Own, ConfigNode? Defaults)
    {
        public Layers Section(string key, string[] known) => new(Open(Own, key, known), Open(Defaults, key, known));

        public T? Get<T>(string key, Func<ConfigNode, T?> read) where T : struct =>
            Own?.Child(key) is { } o ? read(o) : Defaults?.Child(key) is { } t ? read(t) : null;

        public T? GetRef<T>(string key, Func<ConfigNode, T?> read) where T : class =>
            Own?.Child(key) is { } o ? read(o) : Defaults?.Child(key) is { } t ? read(t) : null;

        private static ConfigNode? Open(ConfigNode? parent, string key, string[] known)
        {
            if (parent?.Child(key) is not { } node) return null;
            if (!node.IsObject)
            {
                node.Errors.Add(node.Path, "expected an object { ... }");
                return null;
            }
            ConfigKeys.CheckUnknown(node, known);
            return node;
        }
    }
}
