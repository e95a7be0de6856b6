using System.Net;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>rate_limit, ip_allow and ip_deny: read per service with a top-level default, every mistake named with key and line.</summary>
public sealed class ClientAccessConfigTests
{
    [Fact]
    public void Neither_set_leaves_client_access_null()
    {
        var options = ConfigText.Load("""flowbalance { hostname = "a.test", backends = ["http://127.0.0.1:9001"] }""");

        Assert.Null(options.Services.Single().Settings.ClientAccess);
    }

    [Fact]
    public void A_top_level_rate_limit_applies_to_every_service_and_a_service_overrides_it_key_by_key()
    {
        var options = ConfigText.Load("""
            flowbalance {
              rate_limit { requests_per_second = 50, burst = 10 }
              services = [
                { name = a, hostname = "a.test", backends = ["http://127.0.0.1:9001"] }
                { name = b, hostname = "b.test", backends = ["http://127.0.0.1:9002"], rate_limit { key = "header:X-Client" } }
                { name = c, hostname = "c.test", backends = ["http://127.0.0.1:9003"], rate_limit { requests_per_second = 0 } }
              ]
            }
            """);
        var services = options.Services.ToDictionary(s => s.Name);

        Assert.Equal(new RateLimitOptions(50, 10, RateLimitOptions.ByIp, null), services["a"].Settings.ClientAccess!.RateLimit);
        Assert.Equal(new RateLimitOptions(50, 10, RateLimitOptions.ByHeader, "X-Client"), services["b"].Settings.ClientAccess!.RateLimit);
        Assert.Equal("header:X-Client", services["b"].Settings.ClientAccess!.RateLimit!.KeyText);
        Assert.Null(services["c"].Settings.ClientAccess); // 0 turns it off for that service
    }

    [Fact]
    public void Burst_defaults_to_one_second_of_requests_and_the_refill_period_keeps_the_rate()
    {
        var limit = ConfigText.Load("""flowbalance { backends = ["http://127.0.0.1:9001"], rate_limit { requests_per_second = 2.5, key = service } }""")
            .Services.Single().Settings.ClientAccess!.RateLimit!;

        Assert.Equal((3, RateLimitOptions.ByService), (limit.Burst, limit.Key));
        Assert.Equal(2.5, limit.TokensPerPeriod / limit.ReplenishmentPeriod.TotalSeconds, 6);
        var fast = limit with { RequestsPerSecond = 1_000_000 };
        Assert.Equal(1_000_000, fast.TokensPerPeriod / fast.ReplenishmentPeriod.TotalSeconds, 1);
        Assert.True(fast.ReplenishmentPeriod >= TimeSpan.FromMilliseconds(9));
    }

    [Fact]
    public void Ip_lists_are_parsed_once_and_deny_wins_over_allow()
    {
        var options = ConfigText.Load("""
            flowbalance {
              ip_deny = ["10.1.0.0/16"]
              services = [
                { name = a, hostname = "a.test", backends = ["http://127.0.0.1:9001"], ip_allow = ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"] }
                { name = b, hostname = "b.test", backends = ["http://127.0.0.1:9002"], ip_deny = [] }
              ]
            }
            """);
        var a = options.Services.Single(s => s.Name == "a").Settings.ClientAccess!.Ip!;

        Assert.False(a.Refuses(IPAddress.Parse("10.2.3.4")));
        Assert.True(a.Refuses(IPAddress.Parse("10.1.3.4")));      // denied by the top level, although allowed
        Assert.True(a.Refuses(IPAddress.Parse("11.0.0.1")));      // not on the allow list
        Assert.False(a.Refuses(IPAddress.Parse("192.168.1.7")));  // a bare address is a /32
        Assert.True(a.Refuses(IPAddress.Parse("192.168.1.8")));
        Assert.False(a.Refuses(IPAddress.Parse("2001:db8:1::5")));
        Assert.False(a.Refuses(IPAddress.Parse("::ffff:10.2.3.4"))); // IPv4-mapped counts as IPv4
        Assert.True(a.Refuses(null));                              // an allow list refuses an unknown address
        Assert.Null(options.Services.Single(s => s.Name == "b").Settings.ClientAccess); // its own empty list replaces the top level's
    }

    [Fact]
    public void An_empty_allow_list_allows_everyone_not_denied()
    {
        var ip = ConfigText.Load("""flowbalance { backends = ["http://127.0.0.1:9001"], ip_allow = [], ip_deny = ["127.0.0.1"] }""")
            .Services.Single().Settings.ClientAccess!.Ip!;

        Assert.True(ip.Refuses(IPAddress.Loopback));
        Assert.False(ip.Refuses(IPAddress.Parse("127.0.0.2")));
        Assert.False(ip.Refuses(null));
    }

    [Fact]
    public void An_unchanged_setting_compares_equal_so_a_reload_keeps_the_service()
    {
        const string text = """flowbalance { backends = ["http://127.0.0.1:9001"], ip_deny = ["10.0.0.0/8"], rate_limit { requests_per_second = 5 } }""";

        Assert.Equal(ConfigText.Load(text).Services.Single().Settings, ConfigText.Load(text).Services.Single().Settings);
        Assert.NotEqual(ConfigText.Load(text).Services.Single().Settings, ConfigText.Load(text.Replace("10.0.0.0/8", "10.0.0.0/9")).Services.Single().Settings);
        Assert.NotEqual(ConfigText.Load(text).Services.Single().Settings, ConfigText.Load(text.Replace("= 5", "= 6")).Services.Single().Settings);
    }

    [Fact]
    public void The_readme_example_loads_and_means_what_it_says()
    {
        var options = ConfigText.Load("""
            flowbalance {
              trusted_proxies = ["10.0.0.0/8"]                 # your own load balancer or CDN in front, if any
              ip_deny = ["203.0.113.0/24", "2001:db8:bad::/48"]
              rate_limit { requests_per_second = 50, burst = 100, key = ip }
              services = [
                { name = api, hostname = "api.myapp.com", backends = ["http://10.0.0.5:8080"],
                  rate_limit { requests_per_second = 20, key = "header:X-Api-Key" } }
                { name = internal, hostname = "internal.myapp.com", backends = ["http://10.0.0.6:8080"],
                  ip_allow = ["10.0.0.0/8", "192.168.0.0/16"], rate_limit { requests_per_second = 0 } }
              ]
            }
            """);
        var api = options.Services.Single(s => s.Name == "api").Settings.ClientAccess!;
        var intern = options.Services.Single(s => s.Name == "internal").Settings.ClientAccess!;

        Assert.Equal(new RateLimitOptions(20, 100, RateLimitOptions.ByHeader, "X-Api-Key"), api.RateLimit);
        Assert.True(api.Ip!.Refuses(IPAddress.Parse("203.0.113.9")));
        Assert.Null(intern.RateLimit);
        Assert.True(intern.Ip!.Refuses(IPAddress.Parse("198.51.100.1")));
        Assert.False(intern.Ip.Refuses(IPAddress.Parse("192.168.3.4")));
        Assert.True(intern.Ip.Refuses(IPAddress.Parse("2001:db8:bad::1"))); // the top-level deny list still applies
    }

    [Fact]
    public void Mistakes_name_the_key_and_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              backends = ["http://127.0.0.1:9001"]
              ip_allow = ["10.0.0.0/33", "not-an-address"]
              ip_deny = "10.0.0.0/8"
              services = [
                { hostname = "a.test", backends = ["http://127.0.0.1:9002"], rate_limit { burst = 5 } }
                { hostname = "b.test", backends = ["http://127.0.0.1:9003"], rate_limit { requests_per_second = -1, key = "cookie" } }
                { hostname = "c.test", backends = ["http://127.0.0.1:9004"], rate_limit { requests_per_second = 1, key = "header:", rps = 3 } }
                { hostname = "d.test", pools = [{ id = p, backends = ["http://127.0.0.1:9005"], rate_limit { requests_per_second = 1 } }] }
              ]
            }
            """);

        Assert.Contains("flowbalance.ip_allow[0] (line 3): expected an IP address or CIDR range such as \"10.0.0.0/8\", found '10.0.0.0/33'", errors);
        Assert.Contains("flowbalance.ip_allow[1] (line 3): expected an IP address or CIDR range such as \"10.0.0.0/8\", found 'not-an-address'", errors);
        Assert.Contains("flowbalance.ip_deny (line 4): expected a list of addresses or CIDR ranges such as [\"10.0.0.0/8\"]", errors);
        Assert.Contains("flowbalance.services[0].rate_limit (line 6): needs requests_per_second (0 turns the limit off), e.g. rate_limit { requests_per_second = 100, burst = 20 }", errors);
        Assert.Contains("flowbalance.services[1].rate_limit.requests_per_second (line 7): must be between 0 and 1000000000, found -1", errors);
        Assert.Contains("flowbalance.services[1].rate_limit.key (line 7): must be ip, service or header:<Name> (such as header:X-Api-Key), found 'cookie'", errors);
        Assert.Contains("flowbalance.services[2].rate_limit.key (line 8): header:<Name> needs a header name (letters, digits, '-', '_', '.'), found 'header:'", errors);
        Assert.Contains(errors, e => e.StartsWith("flowbalance.services[2].rate_limit.rps (line 8): unknown key 'rps'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("flowbalance.services[3].pools[0].rate_limit (line 9): unknown key 'rate_limit'", StringComparison.Ordinal));
    }
}
