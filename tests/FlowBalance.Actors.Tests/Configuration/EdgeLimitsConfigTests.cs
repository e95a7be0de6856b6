using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary><c>max_request_body_size</c> and <c>forwarded_headers</c>: defaults, the top level as every service's default, and errors with key path and line.</summary>
public sealed class EdgeLimitsConfigTests
{
    [Fact]
    public void Defaults_are_no_body_limit_and_replace()
    {
        var service = Assert.Single(ConfigText.Load("""flowbalance { backends = ["http://127.0.0.1:1"] }""").Services);

        Assert.Equal(0, service.Settings.MaxRequestBodySize);
        Assert.Equal(ServiceSettings.ForwardedReplace, service.Settings.ForwardedHeaders);
    }

    [Fact]
    public void The_top_level_value_is_each_services_default_and_a_service_overrides_it()
    {
        var options = ConfigText.Load("""
            flowbalance {
              max_request_body_size = 1048576
              forwarded_headers = append
              services = [
                { hostname = "a.test", backends = ["http://127.0.0.1:1"] }
                { hostname = "b.test", max_request_body_size = 0, forwarded_headers = replace, backends = ["http://127.0.0.1:2"] }
              ]
            }
            """);

        var (a, b) = (options.Services[0].Settings, options.Services[1].Settings);
        Assert.Equal((1048576L, "append"), (a.MaxRequestBodySize, a.ForwardedHeaders));
        Assert.Equal((0L, "replace"), (b.MaxRequestBodySize, b.ForwardedHeaders));
    }

    [Fact]
    public void Bad_values_are_reported_with_key_path_and_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              max_request_body_size = -1
              services = [
                { hostname = "a.test", forwarded_headers = prepend, backends = ["http://127.0.0.1:1"] }
                { hostname = "b.test", max_request_body_size = "10 MB", backends = ["http://127.0.0.1:2"] }
              ]
            }
            """);

        Assert.Contains(errors, e => e.StartsWith("flowbalance.max_request_body_size (line 2): must be between 0 and 1099511627776, found -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("flowbalance.services[0].forwarded_headers (line 4): must be one of replace, append", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("flowbalance.services[1].max_request_body_size (line 5): expected a whole number, found '10 MB'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelt_key_suggests_the_right_one()
    {
        var error = Assert.Single(ConfigText.Errors("""
            flowbalance { backends = ["http://127.0.0.1:1"], max_request_body = 10 }
            """));

        Assert.Equal("flowbalance.max_request_body (line 1): unknown key 'max_request_body', did you mean 'max_request_body_size'?", error);
    }
}
