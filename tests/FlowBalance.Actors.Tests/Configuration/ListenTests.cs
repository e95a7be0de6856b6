using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Every listen address Kestrel would crash on (or bind somewhere unexpected) is a config error with key and line.</summary>
public sealed class ListenTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:65535")]
    [InlineData("http://[::]:80/")]
    [InlineData("http://*:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://lb.internal")]
    [InlineData("http://127.0.0.1:8080; http://[::1]:8080")]
    [InlineData("https://0.0.0.0:8443")]
    [InlineData("http://127.0.0.1:80;https://127.0.0.1:443")]
    public void Usable_addresses_pass(string listen)
    {
        Assert.Null(ConfigLoader.ListenProblem(listen));
    }

    [Theory]
    [InlineData("http://127.0.0.1:99999", "port 99999 is out of range (0-65535) in 'http://127.0.0.1:99999'")]
    [InlineData("http://127.0.0.1:123456789012", "port 123456789012 is out of range (0-65535) in 'http://127.0.0.1:123456789012'")]
    [InlineData("http://127.0.0.1:80a", "port '80a' is not a number in 'http://127.0.0.1:80a'")]
    [InlineData("http://localhost:0", "port 0 (any free port) needs an IP address such as 127.0.0.1, not localhost, in 'http://localhost:0'")]
    [InlineData("http://256.0.0.1:80", "'256.0.0.1' is not an IPv4 address in 'http://256.0.0.1:80'")]
    [InlineData("http://1.2.3:80", "'1.2.3' is not an IPv4 address in 'http://1.2.3:80'")]
    [InlineData("http://[zz]:80", "'[zz]' is not an IPv6 address in 'http://[zz]:80'")]
    [InlineData("http://bad_host!:80", "'bad_host!' is not a host name or IP address in 'http://bad_host!:80'")]
    [InlineData("http://:80", "no host in 'http://:80'")]
    [InlineData("http://127.0.0.1:80/api", "a listen address has no path, found 'http://127.0.0.1:80/api'")]
    [InlineData("http://admin:s3cr3t@0.0.0.0:80", "a listen address has no user or password, found 'http://***@0.0.0.0:80'")]
    [InlineData("8080", "must be a URL such as http://0.0.0.0:8080 or https://0.0.0.0:443, found '8080'")]
    [InlineData("ftp://0.0.0.0:21", "must be a URL such as http://0.0.0.0:8080 or https://0.0.0.0:443, found 'ftp://0.0.0.0:21'")]
    [InlineData(";", "must be a URL such as http://0.0.0.0:8080 or https://0.0.0.0:443, found ';'")]
    public void Unusable_addresses_say_why(string listen, string expected)
    {
        Assert.Equal(expected, ConfigLoader.ListenProblem(listen));
    }

    [Fact]
    public void A_listen_problem_in_the_file_names_the_key_and_line()
    {
        var errors = ConfigText.Errors("flowbalance {\n  demo_backends = 1\n  listen = \"http://127.0.0.1:99999\"\n}");

        Assert.Equal("flowbalance.listen (line 3): port 99999 is out of range (0-65535) in 'http://127.0.0.1:99999'", Assert.Single(errors));
    }
}
