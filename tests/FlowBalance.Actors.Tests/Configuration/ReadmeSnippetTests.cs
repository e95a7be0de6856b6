using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Every JSON snippet of the product README pastes into flowbalance { } unchanged and means what it says.</summary>
public sealed class ReadmeSnippetTests
{
    private const string SingleService = """
        {
          "hostname": "api.myapp.com",
          "backends": [
            "https://api-server-1.myapp.com",
            "https://api-server-2.myapp.com"
          ]
        }
        """;

    private const string MultipleServices = """
        {
          "services": [
            {
              "hostname": "api.myapp.com", 
              "backends": ["https://api1.com", "https://api2.com"]
            },
            {
              "hostname": "files.myapp.com",
              "backends": ["https://files1.com", "https://files2.com"]
            }
          ]
        }
        """;

    private const string Weighted = """
        {
          "backends": [
            {"url": "https://big-server.com", "weight": 3},
            {"url": "https://small-server.com", "weight": 1}
          ]
        }
        """;

    private const string AdvancedHealthChecks = """
        {
          "activeHealthChecks": {
            "enabled": true,
            "path": "/custom-health",
            "interval": 30,
            "timeout": 10,
            "consecutive_up": 3,
            "consecutive_down": 2
          }
        }
        """;

    private const string CircuitBreakerTuning = """
        {
          "passiveHealthChecks": {
            "circuit_breaker": {
              "failure_threshold": 1,
              "recovery_timeout_ms": 30000,
              "error_rate_threshold": 25
            }
          }
        }
        """;

    private const string ConnectionOptimizations = """
        {
          "connection_error_handling": {
            "immediate_failover": true,
            "max_connection_retries": 0,
            "connection_timeout_ms": 5000
          }
        }
        """;

    private const string SessionAffinity = """
        {
          "load_balancer": {
            "session_affinity": {
              "type": "cookie",
              "cookie_name": "lb_session"
            }
          }
        }
        """;

    [Fact]
    public void Single_service_snippet_defines_one_service_with_two_backends()
    {
        var options = ConfigText.Load($"flowbalance {SingleService}");

        var service = Assert.Single(options.Services);
        Assert.Equal("api.myapp.com", service.Hostname);
        Assert.Equal(["https://api-server-1.myapp.com/", "https://api-server-2.myapp.com/"], service.Backends.Select(b => b.Url.AbsoluteUri));
        Assert.All(service.Backends, b => Assert.Equal(1, b.Weight));
    }

    [Fact]
    public void Multiple_services_snippet_defines_both_hostnames()
    {
        var options = ConfigText.Load($"flowbalance = {MultipleServices}");

        Assert.Equal(["api.myapp.com", "files.myapp.com"], options.Services.Select(s => s.Hostname));
        Assert.Equal("https://files2.com/", options.Services[1].Backends[1].Url.AbsoluteUri);
    }

    [Fact]
    public void Weighted_snippet_keeps_weights_and_plain_strings_mean_weight_one()
    {
        var options = ConfigText.Load($"flowbalance {Weighted}");

        var service = Assert.Single(options.Services);
        Assert.True(service.IsCatchAll);
        Assert.Equal([3, 1], service.Backends.Select(b => b.Weight));
    }

    [Fact]
    public void Several_pastes_merge_and_top_level_settings_become_service_defaults()
    {
        var text = string.Join("\n",
            $"flowbalance = {MultipleServices}",
            $"flowbalance = {AdvancedHealthChecks}",
            $"flowbalance = {CircuitBreakerTuning}",
            $"flowbalance = {ConnectionOptimizations}",
            $"flowbalance = {SessionAffinity}");

        var options = ConfigText.Load(text);

        Assert.Equal(2, options.Services.Length);
        foreach (var settings in options.Services.Select(s => s.Settings))
        {
            Assert.Equal("/custom-health", settings.ActiveHealthChecks.Path);
            Assert.Equal(TimeSpan.FromSeconds(30), settings.ActiveHealthChecks.Interval);
            Assert.Equal(TimeSpan.FromSeconds(10), settings.ActiveHealthChecks.Timeout);
            Assert.Equal(1, settings.CircuitBreaker.FailureThreshold);
            Assert.Equal(TimeSpan.FromMilliseconds(30000), settings.CircuitBreaker.RecoveryTimeout);
            Assert.Equal(25, settings.CircuitBreaker.ErrorRateThreshold);
            Assert.Equal(0, settings.ConnectionErrors.MaxConnectionRetries);
            Assert.Equal(TimeSpan.FromMilliseconds(5000), settings.ConnectionErrors.ConnectionTimeout);
            Assert.Equal("cookie", settings.LoadBalancer.SessionAffinity.Type);
            Assert.Equal("lb_session", settings.LoadBalancer.SessionAffinity.CookieName);
        }
    }

    [Fact]
    public void Out_of_rotation_probes_come_every_min_interval_5s_unless_unhealthy_interval_is_set()
    {
        var options = ConfigText.Load("""
            flowbalance.services = [
              { hostname = "a.example.com", backends = ["http://127.0.0.1:1"] }
              { hostname = "b.example.com", backends = ["http://127.0.0.1:2"], activeHealthChecks.interval = 2 }
              { hostname = "c.example.com", backends = ["http://127.0.0.1:3"], activeHealthChecks.unhealthy_interval = "250ms" }
            ]
            """);

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250)],
            options.Services.Select(s => s.Settings.ActiveHealthChecks.OutOfRotationInterval));
    }

    [Fact]
    public void A_service_setting_overrides_the_top_level_default_key_by_key()
    {
        var options = ConfigText.Load("""
            flowbalance {
              activeHealthChecks { interval = 10, timeout = 3, consecutive_down = 1 }
              services = [
                { hostname = "a.example.com", backends = ["http://127.0.0.1:1"], activeHealthChecks { interval = "500ms" } }
                { hostname = "b.example.com", backends = ["http://127.0.0.1:2"] }
              ]
            }
            """);

        var a = options.Services[0].Settings.ActiveHealthChecks;
        var b = options.Services[1].Settings.ActiveHealthChecks;
        Assert.Equal(TimeSpan.FromMilliseconds(500), a.Interval);
        Assert.Equal(TimeSpan.FromSeconds(3), a.Timeout);
        Assert.Equal(1, a.ConsecutiveDown);
        Assert.Equal(TimeSpan.FromSeconds(10), b.Interval);
        Assert.Equal(ActiveHealthCheckOptions.Default.ConsecutiveUp, b.ConsecutiveUp);
    }

    [Fact]
    public void Geo_pools_snippet_alone_is_refused_naming_the_fallback_pool_it_lacks()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              "pools": [{
                "id": "us-pool",
                "geo_steering": {
                  "regions": ["US", "CA"],
                  "fallback_pool": "global-pool"
                }
              }]
            }
            """);

        Assert.Equal(["flowbalance.pools[0].geo_steering.fallback_pool (line 6): unknown pool 'global-pool' (pools: us-pool)"], errors);
    }

    [Fact]
    public void Geo_pools_snippet_with_its_fallback_pool_steers_US_and_CA_and_falls_back_to_global()
    {
        var options = ConfigText.Load("""
            flowbalance {
              "pools": [{
                "id": "us-pool",
                "backends": ["https://us1.myapp.com"],
                "geo_steering": {
                  "regions": ["US", "CA"],
                  "fallback_pool": "global-pool"
                }
              }, {
                "id": "global-pool",
                "backends": ["https://global1.myapp.com"]
              }]
            }
            """);

        var service = Assert.Single(options.Services);
        var pool = service.Pools[0];
        Assert.Equal("us-pool", pool.Id);
        Assert.Equal(["US", "CA"], pool.Regions.ToArray());
        Assert.Equal("global-pool", pool.FallbackPool);
        Assert.Equal(["us1.myapp.com-443", "global1.myapp.com-443"], service.Backends.Select(b => b.Id).ToArray());
    }

    [Fact]
    public void Vars_default_backends_from_the_wrangler_snippet_defines_the_service()
    {
        var options = ConfigText.Load("""
            flowbalance {
              "vars": {
                "DEFAULT_BACKENDS": "{\"hostname\": \"your-domain.com\", \"backends\": [\"https://server1.com\", \"https://server2.com\"]}"
              }
            }
            """);

        var service = Assert.Single(options.Services);
        Assert.Equal("your-domain.com", service.Hostname);
        Assert.Equal(2, service.Backends.Length);
    }

    [Fact]
    public void Environment_default_backends_replaces_the_service_with_the_same_hostname()
    {
        var options = ConfigText.Load(
            $"flowbalance {MultipleServices}",
            defaultBackends: """{"hostname": "api.myapp.com", "backends": ["http://127.0.0.1:9001"]}""");

        Assert.Equal(2, options.Services.Length);
        var api = Assert.Single(options.Services, s => s.Hostname == "api.myapp.com");
        Assert.Equal("http://127.0.0.1:9001/", Assert.Single(api.Backends).Url.AbsoluteUri);
    }
}
