using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary><c>flowbalance.plugins</c>: the host's keys are validated, the plugin's own keys kept with their lines.</summary>
public sealed class PluginsConfigTests
{
    [Fact]
    public void Host_keys_are_read_and_the_rest_is_kept_for_the_plugin_with_lines()
    {
        var options = ConfigText.Load("""
            flowbalance {
              services = [{ name = "api", hostname = "api.test", backends = ["http://127.0.0.1:1"] }]
              plugins {
                Headers {
                  order = -5
                  services = ["API"]
                  failure_mode = closed
                  response {
                    set { X-Frame-Options = DENY }
                    remove = ["Server", "X-Powered-By"]
                  }
                }
              }
            }
            """);

        var plugin = options.PluginFor("headers");
        Assert.True(plugin.Enabled);
        Assert.Equal(-5, plugin.Order);
        Assert.Equal(PluginFailureMode.Closed, plugin.FailureMode);
        Assert.True(plugin.AppliesTo("api"));
        Assert.False(plugin.AppliesTo("web"));
        var response = plugin.Settings.Children["response"];
        Assert.Equal(8, response.Line);
        Assert.Equal("DENY", response.Children["set"].Children["X-Frame-Options"].Scalar);
        Assert.Equal(["Server", "X-Powered-By"], response.Children["remove"].List!.Value.ToArray());
        Assert.DoesNotContain("order", plugin.Settings.Children.Keys);
    }

    [Fact]
    public void A_plugin_without_a_section_is_enabled_for_every_service_and_fails_open()
    {
        var plugin = ConfigText.Load("flowbalance { backends = [\"http://127.0.0.1:1\"] }").PluginFor("anything");

        Assert.True(plugin.Enabled);
        Assert.Equal(0, plugin.Order);
        Assert.Equal(PluginFailureMode.Open, plugin.FailureMode);
        Assert.True(plugin.AppliesTo("whatever"));
        Assert.Empty(plugin.Settings.Children);
    }

    [Fact]
    public void Bad_host_keys_name_the_key_and_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              services = [{ name = "api", hostname = "api.test", backends = ["http://127.0.0.1:1"] }]
              plugins {
                Headers {
                  enabled = maybe
                  order = first
                  failure_mode = sometimes
                  services = ["web"]
                }
                ApiKey = true
              }
            }
            """);

        Assert.Equal([
            "flowbalance.plugins.Headers.enabled (line 5): expected true or false, found 'maybe'",
            "flowbalance.plugins.Headers.order (line 6): expected a whole number, found 'first'",
            "flowbalance.plugins.Headers.failure_mode (line 7): must be one of open, closed, found 'sometimes'",
            "flowbalance.plugins.Headers.services[0] (line 8): unknown service 'web' (services: api)",
            "flowbalance.plugins.ApiKey (line 10): expected an object: ApiKey { enabled = true }",
        ], errors);
    }
}
