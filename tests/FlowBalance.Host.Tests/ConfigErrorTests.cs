using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>A bad configuration never starts a half-working balancer: exit code 2, one line per problem, no stack trace.</summary>
public sealed class ConfigErrorTests
{
    [Theory]
    [InlineData("flowbalance { backends = [\"ftp://server1.com\"] }",
        "flowbalance.backends[0] (line 1): backend URL must be an absolute http:// or https:// URL, found 'ftp://server1.com'")]
    [InlineData("flowbalance {\n  backends = [{\"url\": \"http://127.0.0.1:1\", \"weight\": 0}]\n}",
        "flowbalance.backends[0].weight (line 2): must be between 1 and 1000, found 0")]
    [InlineData("flowbalance.services = [\n  {hostname = \"a.com\", backends = [\"http://127.0.0.1:1\"]}\n  {hostname = \"a.com\", backends = [\"http://127.0.0.1:2\"]}\n]",
        "duplicate hostname 'a.com'")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"\n",
        "line 2: '[' opened here is never closed")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n  activeHealthChecks { consecutive_upp = 3 }\n}",
        "flowbalance.activeHealthChecks.consecutive_upp (line 3): unknown key 'consecutive_upp', did you mean 'consecutive_up'?")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n  notifications.webhooks = [{ id = \"ops\", url = \"http://127.0.0.1:9/h\", events = [\"backend.sideways\"] }]\n}",
        "flowbalance.notifications.webhooks[0].events[0] (line 3): unknown event type 'backend.sideways'")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n  request_log { size = 0 }\n}",
        "flowbalance.request_log.size (line 3): must be")]
    [InlineData("flowbalance.backends = [\"http://127.0.0.1:1\"]\nakka { loglevel = BOGUS }",
        "akka.loglevel (line 2): must be one of DEBUG, INFO, WARNING, ERROR, OFF, found 'BOGUS'")]
    [InlineData("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n  plugins.Headers { failure_mode = sometimes }\n}",
        "flowbalance.plugins.Headers.failure_mode (line 3): must be one of open, closed, found 'sometimes'")]
    public async Task Invalid_config_exits_with_code_2_and_names_the_problem(string config, string expected)
    {
        using var file = new TempConfigFile(config);
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output);
        Assert.Contains($"configuration error in {file.Path}", output);
        Assert.DoesNotContain("   at ", output); // no stack trace for a user mistake
    }

    [Fact]
    public async Task A_20000_level_nesting_exits_with_code_2_and_one_line_within_seconds()
    {
        // 60 KB that overflowed the parser's stack: "Stack overflow." and exit code 134.
        using var file = new TempConfigFile("flowbalance.demo_backends = 1\nakka.x = " + string.Concat(Enumerable.Repeat("{ a = ", 20_000)) + "1" + new string('}', 20_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);

        Assert.Equal(2, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"exited after {clock.Elapsed}");
        Assert.Equal(
            [$"flowbalance: configuration error in {file.Path}:", "  line 2: nested more than 64 levels deep (the limit; objects, lists and each part of a dotted key count)"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select((l, i) => i == 0 ? l : "  " + l));
    }

    [Fact]
    public async Task A_file_larger_than_4_MiB_exits_with_code_2_and_names_the_limit()
    {
        using var file = new TempConfigFile("flowbalance.demo_backends = 1\n# " + new string('x', 5 * 1024 * 1024));
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"config file {file.Path} is larger than 4 MiB (the limit)", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Missing_config_file_exits_with_code_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nowhere-{Guid.NewGuid():N}.conf");

        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", missing]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"config file not found: {missing}", output);
    }

    [Fact]
    public async Task A_bad_listen_argument_exits_with_code_2()
    {
        using var file = new TempConfigFile("flowbalance { demo_backends = 1 }");
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", "8080"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--listen must be a URL such as http://0.0.0.0:8080", output);
    }

    [Theory]
    [InlineData("http://127.0.0.1:99999", "port 99999 is out of range (0-65535) in 'http://127.0.0.1:99999'")]
    [InlineData("http://localhost:0", "port 0 (any free port) needs an IP address such as 127.0.0.1, not localhost")]
    [InlineData("http://1.2.3:0", "'1.2.3' is not an IPv4 address")]
    public async Task A_listen_address_kestrel_cannot_bind_exits_with_code_2_and_no_stack_trace(string listen, string expected)
    {
        // Each of these crashed with an unhandled exception (exit code 134) once Kestrel tried to bind.
        using var file = new TempConfigFile($"flowbalance {{\n  demo_backends = 1\n  listen = \"{listen}\"\n}}");
        var (fromFile, fileOutput) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);
        var (fromFlag, flagOutput) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", listen]);

        Assert.Equal(2, fromFile);
        Assert.Contains($"  flowbalance.listen (line 3): {expected}", fileOutput);
        Assert.DoesNotContain("   at ", fileOutput);
        Assert.Equal(2, fromFlag);
        Assert.StartsWith($"flowbalance: --listen {expected}", flagOutput);
        Assert.DoesNotContain("   at ", flagOutput);
    }

    [Fact]
    public async Task An_https_listener_without_certificates_exits_with_code_2_from_the_file_and_from_the_flag()
    {
        using var https = new TempConfigFile("flowbalance {\n  demo_backends = 1\n  listen = \"https://127.0.0.1:0\"\n}");
        using var plain = new TempConfigFile("flowbalance { demo_backends = 1 }");
        var (fromFile, fileOutput) = await BalancerProcess.RunToExitAsync(["--config", https.Path]);
        var (fromFlag, flagOutput) = await BalancerProcess.RunToExitAsync(["--config", plain.Path, "--listen", "https://127.0.0.1:0"]);

        const string expected = "an https:// listener needs certificates: tls.certificates (PEM files) or tls.acme (automatic)";
        Assert.Equal((2, 2), (fromFile, fromFlag));
        Assert.Contains($"  flowbalance.listen (line 3): {expected}", fileOutput);
        Assert.StartsWith($"flowbalance: --listen {expected}", flagOutput);
        Assert.DoesNotContain("   at ", fileOutput + flagOutput);
    }

    [Fact]
    public async Task A_backend_url_with_credentials_exits_with_code_2_without_showing_the_password()
    {
        using var file = new TempConfigFile("flowbalance {\n  backends = [\"http://admin:s3cr3t@127.0.0.1:1\"]\n}");
        var (inFile, fileOutput) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);
        var (inVariable, variableOutput) = await BalancerProcess.RunToExitAsync(["--config", file.Path], new Dictionary<string, string>
        {
            ["DEFAULT_BACKENDS"] = """{"hostname": "a.com", "backends": ["http://admin:s3cr3t@127.0.0.1:2"]}""",
        });

        Assert.Equal(2, inFile);
        Assert.Contains("flowbalance.backends[0] (line 2): backend URL must not contain a user or password (FlowBalance does not send them), found 'http://***@127.0.0.1:1'", fileOutput);
        Assert.Equal(2, inVariable);
        Assert.Contains("DEFAULT_BACKENDS.backends[0]: backend URL must not contain a user or password (FlowBalance does not send them), found 'http://***@127.0.0.1:2'", variableOutput);
        Assert.DoesNotContain("s3cr3t", fileOutput + variableOutput);
    }

    [Fact]
    public async Task A_port_in_use_exits_with_code_1_and_one_line()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        using var file = new TempConfigFile("flowbalance { demo_backends = 1 }");
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"flowbalance: cannot listen on http://127.0.0.1:{port}", output);
        Assert.Contains("address already in use", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task An_address_this_machine_does_not_have_exits_with_code_1_and_one_line()
    {
        // 192.0.2.0/24 is TEST-NET-1: never assigned to a machine. It crashed with an unhandled SocketException (exit code 134).
        using var file = new TempConfigFile("flowbalance { demo_backends = 1 }");
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", "http://192.0.2.1:0"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("flowbalance: cannot listen on http://192.0.2.1:0: Cannot assign requested address", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Unknown_command_line_argument_exits_with_code_2_and_usage()
    {
        var (exitCode, output) = await BalancerProcess.RunToExitAsync(["--confgi", "x.conf"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown argument '--confgi'", output);
        Assert.Contains("usage: FlowBalance.Host", output);
    }
}
