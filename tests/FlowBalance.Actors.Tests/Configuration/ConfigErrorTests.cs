using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Bad configuration is reported one line per problem, with the key path and the line.</summary>
public sealed class ConfigErrorTests
{
    [Fact]
    public void Unknown_key_names_the_closest_known_key_and_its_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              backends = ["http://127.0.0.1:1"]
              activeHealthChecks {
                consecutive_upp = 3
              }
            }
            """);

        var error = Assert.Single(errors);
        Assert.Equal("flowbalance.activeHealthChecks.consecutive_upp (line 4): unknown key 'consecutive_upp', did you mean 'consecutive_up'?", error);
    }

    [Fact]
    public void A_backend_on_port_0_is_rejected_and_so_is_a_max_connections_out_of_range()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              backends = ["http://127.0.0.1:0", { url = "http://127.0.0.1:2", max_connections = -1 }]
            }
            """);

        Assert.Equal(2, errors.Count);
        Assert.Equal("flowbalance.backends[0] (line 2): backend URL needs a port between 1 and 65535, found 'http://127.0.0.1:0'", errors[0]);
        Assert.StartsWith("flowbalance.backends[1].max_connections (line 2): must be between 0 and 1000000", errors[1]);
    }

    [Fact]
    public void A_directory_given_as_the_config_file_says_so()
    {
        var result = ConfigLoader.LoadFile(Path.GetTempPath(), defaultBackends: null);

        Assert.Contains("is a directory; give the config file itself", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Backend_url_that_is_not_absolute_http_is_rejected_with_its_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              hostname = "api.example.com"
              backends = [
                "http://127.0.0.1:1",
                "ftp://files.example.com",
                "server3"
              ]
            }
            """);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("flowbalance.backends[1] (line 5): backend URL must be an absolute http:// or https:// URL", errors[0]);
        Assert.StartsWith("flowbalance.backends[2] (line 6): backend URL must be an absolute http:// or https:// URL", errors[1]);
    }

    [Theory]
    [InlineData("http://admin:s3cr3t@10.0.0.1:8080", "http://***@10.0.0.1:8080")]
    [InlineData("https://admin:s3cr3t@api.internal/base", "https://***@api.internal/base")]
    [InlineData("http://admin@10.0.0.1", "http://***@10.0.0.1")]
    [InlineData("http://admin:s3/cr@3t@10.0.0.1", "http://***@10.0.0.1")] // not a valid URL: still not shown
    public void Backend_url_with_credentials_is_refused_without_showing_them(string url, string shown)
    {
        var error = Assert.Single(ConfigText.Errors($"flowbalance {{\n  backends = [\"{url}\"]\n}}"));

        Assert.StartsWith("flowbalance.backends[0] (line 2): backend URL must ", error);
        Assert.EndsWith($"found '{shown}'", error);
        Assert.DoesNotContain("s3", error);
    }

    [Fact]
    public void DEFAULT_BACKENDS_with_credentials_is_refused_without_showing_them()
    {
        var error = Assert.Single(ConfigText.Errors("flowbalance { demo_backends = 1 }", defaultBackends: "{\"backends\": [\"http://admin:s3cr3t@10.0.0.1\"]}"));

        Assert.Equal("DEFAULT_BACKENDS.backends[0]: backend URL must not contain a user or password (FlowBalance does not send them), found 'http://***@10.0.0.1'", error);
    }

    [Theory]
    [InlineData("0", "must be between 1 and 1000, found 0")]
    [InlineData("-2", "must be between 1 and 1000, found -2")]
    [InlineData("\"heavy\"", "expected a whole number, found 'heavy'")]
    public void Weight_must_be_a_positive_whole_number(string weight, string message)
    {
        var errors = ConfigText.Errors($$"""
            flowbalance {
              backends = [
                {"url": "http://127.0.0.1:1", "weight": {{weight}}}
              ]
            }
            """);

        Assert.Equal($"flowbalance.backends[0].weight (line 3): {message}", Assert.Single(errors));
    }

    [Theory]
    [InlineData("", 30_000)]
    [InlineData("shutdown_timeout = 5", 5_000)]
    [InlineData("shutdown_timeout = \"1500ms\"", 1_500)]
    [InlineData("shutdown_timeout = 0", 0)]
    [InlineData("shutdown_timeout = 10m", 600_000)]
    public void Shutdown_timeout_is_seconds_or_a_duration_and_30s_by_default(string setting, int milliseconds)
    {
        var options = ConfigText.Load($"flowbalance {{\n  demo_backends = 1\n  {setting}\n}}");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.ShutdownTimeout);
    }

    [Fact]
    public void Shutdown_timeout_above_10_minutes_is_rejected()
    {
        var errors = ConfigText.Errors("flowbalance {\n  demo_backends = 1\n  shutdown_timeout = 11m\n}");

        Assert.Equal("flowbalance.shutdown_timeout (line 3): must be between 0ms and 600s, found 660s", Assert.Single(errors));
    }

    [Theory]
    [InlineData("shutdown_timeout = \"9999999999999999999s\"", "flowbalance.shutdown_timeout (line 3): must be between 0ms and 600s, found ")]
    [InlineData("activeHealthChecks.interval = 99999999999999999999", "flowbalance.activeHealthChecks.interval (line 3): must be between 100ms and 86400s, found ")]
    [InlineData("plugins_dir = \"a\\u0000b\"", "flowbalance.plugins_dir (line 3): must be a path, found a NUL character (\\u0000)")]
    [InlineData("geo.database = \"\\u0000\"", "flowbalance.geo.database (line 3): must be a path, found a NUL character (\\u0000)")]
    public void Values_that_threw_while_being_read_are_reported(string setting, string expected)
    {
        // A duration past TimeSpan's range threw OverflowException, a NUL in a path ArgumentException: a stack trace at startup.
        var error = Assert.Single(ConfigText.Errors($"flowbalance {{\n  demo_backends = 1\n  {setting}\n}}"));

        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void Duplicate_hostnames_are_rejected()
    {
        var errors = ConfigText.Errors("""
            flowbalance.services = [
              { hostname = "api.example.com", backends = ["http://127.0.0.1:1"] }
              { hostname = "API.example.com", backends = ["http://127.0.0.1:2"] }
            ]
            """);

        Assert.Contains("duplicate hostname 'api.example.com'", Assert.Single(errors));
    }

    [Theory]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"\n}\n", "line 3: expected ']' to close '[' from line 2, found '}'")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n", "line 1: '{' opened here is never closed")]
    [InlineData("flowbalance {\n  retries = \n}\n", "line 2: 'retries' has no value")]
    [InlineData("flowbalance {\n  hostname = \"api.example.com\n}\n", "line 2: unterminated string (missing closing quote)")]
    [InlineData("flowbalance {\n  retries = 1 }\n}\n", "line 3: unexpected '}': nothing is open here")]
    public void Syntax_errors_name_the_line_and_never_hang(string text, string expected)
    {
        Assert.Equal(expected, Assert.Single(ConfigText.Errors(text)));
    }

    [Fact]
    public void Missing_file_is_reported_with_its_full_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.conf");

        var result = ConfigLoader.LoadFile(path, null);

        Assert.False(result.Succeeded);
        Assert.Equal($"config file not found: {path}", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Values_out_of_range_or_of_the_wrong_kind_are_each_reported()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              backends = ["http://127.0.0.1:1"]
              retries = 99
              activeHealthChecks { interval = "soon", path = "health" }
              load_balancer { algorithm = "fastest" }
              listen = "8080"
            }
            """);

        Assert.Equal(
        [
            "flowbalance.listen (line 6): must be a URL such as http://0.0.0.0:8080 or https://0.0.0.0:443, found '8080'",
            "flowbalance.retries (line 3): must be between 0 and 10, found 99",
            "flowbalance.activeHealthChecks.path (line 4): must start with '/', found 'health'",
            "flowbalance.activeHealthChecks.interval (line 4): expected a duration such as 30, \"500ms\" or \"2s\", found 'soon'",
            "flowbalance.load_balancer.algorithm (line 5): must be one of round_robin, least_outstanding_requests, power_of_two_choices, random, found 'fastest'",
        ], errors);
    }

    [Fact]
    public void Invalid_default_backends_json_is_reported_under_its_variable_name()
    {
        var errors = ConfigText.Errors("flowbalance { demo_backends = 1 }", defaultBackends: "{\"hostname\": \"a.com\", \"backends\": [");

        Assert.StartsWith("DEFAULT_BACKENDS: is not valid JSON", Assert.Single(errors));
    }

    [Fact]
    public void A_config_without_any_service_or_demo_backends_is_rejected()
    {
        Assert.Contains("no service is configured", Assert.Single(ConfigText.Errors("flowbalance { }")));
    }

    [Fact]
    public void Hostname_with_scheme_or_port_is_rejected()
    {
        var errors = ConfigText.Errors("flowbalance { hostname = \"https://api.example.com:443\", backends = [\"http://127.0.0.1:1\"] }");

        Assert.Contains("must be a bare hostname", Assert.Single(errors));
    }
}
