namespace FlowBalance.Actors.Configuration;

/// <summary>Every key the <c>flowbalance</c> section knows, per object kind; anything else is reported.</summary>
internal static class ConfigKeys
{
    public static readonly string[] Settings =
        ["preserve_host", "retries", "request_timeout_ms", "slow_start_ms", "retry_buffer_bytes", "panic_threshold",
         "max_connections", "max_queue", "queue_timeout_ms", "redirect_https", "max_request_body_size", "forwarded_headers", "min_routable", "drain_timeout", "hsts", .. UpstreamOptions.Keys,
         "activeHealthChecks", "passiveHealthChecks", "connection_error_handling", "load_balancer"];

    // Declared before Root and Service, which spread it (static fields initialise in order).
    /// <summary>Checked before the service's backends are even picked: set on a service or at the top level, not on a pool.</summary>
    public static readonly string[] ClientAccess = ["rate_limit", "ip_allow", "ip_deny"];

    public static readonly string[] Root =
        ["listen", "demo_backends", "plugins_dir", "plugins", "geo", "trusted_proxies", "services", "hostname", "name", "backends", "pools", "vars", "shutdown_timeout", "log", "events", "metrics", "request_log", "access_log", "notifications", "tls", "state_dir", "admin", "cluster", .. ClientAccess, .. Settings];

    public static readonly string[] Service = ["name", "hostname", "backends", "pools", .. ClientAccess, .. Settings];

    public static readonly string[] RateLimit = ["requests_per_second", "burst", "key"];

    public static readonly string[] Backend = ["url", "weight", "max_connections", .. UpstreamOptions.Keys];

    public static readonly string[] Hsts = ["max_age", "include_subdomains", "preload"];

    public static readonly string[] Pool = ["id", "backends", "geo_steering", .. Settings];

    public static readonly string[] GeoSteering = ["regions", "fallback_pool"];

    public static readonly string[] ActiveHealthChecks = ["enabled", "type", "grpc_service", "path", "interval", "timeout", "consecutive_up", "consecutive_down", "unhealthy_interval"];

    public static readonly string[] PassiveHealthChecks = ["circuit_breaker"];

    public static readonly string[] CircuitBreaker = ["failure_threshold", "recovery_timeout_ms", "error_rate_threshold", "error_rate_window_ms", "error_rate_min_requests", "failure_statuses"];

    public static readonly string[] ConnectionErrors = ["immediate_failover", "max_connection_retries", "connection_timeout_ms"];

    public static readonly string[] LoadBalancer = ["algorithm", "session_affinity"];

    public static readonly string[] SessionAffinity = ["type", "cookie_name", "header_name", "max_age", "secret"];

    public static readonly string[] Geo = ["country_header", "database"];

    public static readonly string[] Vars = ["DEFAULT_BACKENDS"];

    public static readonly string[] Log = ["level", "format"];

    public static readonly string[] Events = ["history_size"];

    public static readonly string[] Notifications = ["webhooks"];

    public static readonly string[] Webhook = ["id", "url", "events", "secret", "format"];

    public static readonly string[] AccessLog = ["path", "format", "max_size_mb", "keep_files"];

    public static readonly string[] RequestLog = ["enabled", "size", "include_query"];

    public static readonly string[] Metrics = ["enabled", "allow", "otlp_endpoint", "otlp_protocol"];

    /// <summary>Reports each key of <paramref name="node"/> not in <paramref name="known"/>, with the closest known key.</summary>
    public static void CheckUnknown(ConfigNode node, IReadOnlyCollection<string> known)
    {
        foreach (var key in node.Fields.Keys)
        {
            if (known.Contains(key)) continue;
            var hint = KeySuggestions.Closest(key, known);
            node.Errors.Add($"{node.Path}.{key}", hint is null
                ? $"unknown key '{key}' (known keys: {string.Join(", ", known)})"
                : $"unknown key '{key}', did you mean '{hint}'?");
        }
    }
}
