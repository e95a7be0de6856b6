namespace FlowBalance.Actors.Tests.Configuration;

/// <summary><c>admin { }</c>: read as written, a bad path or an unknown key named with its line.</summary>
public sealed class AdminConfigTests
{
    [Fact]
    public void Admin_keys_are_read_with_their_defaults()
    {
        var defaults = ConfigText.Load("flowbalance { demo_backends = 1, state_dir = \"/var/lib/flowbalance\" }").Admin;
        var set = ConfigText.Load("flowbalance { demo_backends = 1, admin { enabled = false, path = \"/ops/lb/\", state_dir = \"/srv/admin\", session_timeout = 30m } }").Admin;

        Assert.Equal((true, "/__lb_admin__", "/var/lib/flowbalance", TimeSpan.FromHours(12)), (defaults.Enabled, defaults.Path, defaults.StateDirectory, defaults.SessionTimeout));
        Assert.Equal((false, "/ops/lb", "/srv/admin", TimeSpan.FromMinutes(30)), (set.Enabled, set.Path, set.StateDirectory, set.SessionTimeout));
    }

    [Fact]
    public void Admin_mistakes_name_the_key_and_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              demo_backends = 1
              admin {
                path = "ops lb"
                sesion_timeout = 1h
              }
            }
            """);

        Assert.Equal(
        [
            "flowbalance.admin.sesion_timeout (line 5): unknown key 'sesion_timeout', did you mean 'session_timeout'?",
            "flowbalance.admin.path (line 4): must be a path such as \"/__lb_admin__\" (segments of letters, digits, '_', '-', '.'), found 'ops lb'",
        ], errors);
    }
}
