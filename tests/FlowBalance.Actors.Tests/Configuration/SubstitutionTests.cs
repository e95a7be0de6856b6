using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>
/// <c>${NAME}</c> and <c>${?NAME}</c> come from the environment as HOCON defines them, resolved
/// before Akka's parser (which loops forever on <c>${?NAME}</c>); every other form is refused with its key and line.
/// </summary>
public sealed class SubstitutionTests
{
    private static readonly Dictionary<string, string> Backend = new() { ["BACKEND"] = "http://10.0.0.2:8080" };

    [Fact]
    public void An_unset_optional_list_element_disappears_and_a_set_one_is_its_value()
    {
        const string text = "flowbalance {\n  backends = [\"http://10.0.0.1:8080\", ${?BACKEND}]\n}";

        Assert.Equal(["http://10.0.0.1:8080/"], Urls(ConfigText.Load(text)));
        Assert.Equal(["http://10.0.0.1:8080/", "http://10.0.0.2:8080/"], Urls(ConfigText.Load(text, environment: Backend)));
    }

    [Theory]
    [InlineData("flowbalance.backends = [${?BACKEND}]")]
    [InlineData("flowbalance.backends = [\n  ${?BACKEND}\n  ${?OTHER},\n]")]
    [InlineData("flowbalance.backends = [${?BACKEND}, ${?OTHER}]")]
    public void A_list_of_only_unset_optional_elements_is_empty(string text)
    {
        var options = ConfigText.Load(text);

        Assert.Empty(Assert.Single(options.Services).Backends);
        Assert.Equal(["http://10.0.0.2:8080/"], Urls(ConfigText.Load(text, environment: Backend)));
    }

    [Theory]
    [InlineData("\"/he\"${?P}\"alth\"", null, "/health")]
    [InlineData("\"/he\"${?P}\"alth\"", "X", "/heXalth")]
    [InlineData("\"/he\"${?P}\"alth\"", "", "/health")]
    [InlineData("${?P}\"/health\"", null, "/health")]
    [InlineData("\"/health\"${?P}", null, "/health")]
    [InlineData("${?P}${?P}\"/health\"", null, "/health")]
    [InlineData("\"/\"${?P}${?P}\"health\"", "x", "/xxhealth")]
    public void A_substitution_joined_to_strings_never_runs_into_the_next_key(string value, string? set, string path)
    {
        var environment = set is null ? null : new Dictionary<string, string> { ["P"] = set };
        var text = $"flowbalance {{\n  backends = [\"http://10.0.0.1:8080\"]\n  activeHealthChecks {{ path = {value} }}\n  retries = 2\n}}";

        var options = ConfigText.Load(text, environment: environment);

        var service = Assert.Single(options.Services);
        Assert.Equal(path, service.Settings.ActiveHealthChecks.Path);
        Assert.Equal(2, service.Settings.Retries); // the key after it is still read
    }

    [Fact]
    public void A_required_substitution_is_read_from_the_environment()
    {
        var options = ConfigText.Load("flowbalance {\n  hostname = ${HOST}\n  backends = [${BACKEND}]\n}",
            environment: new Dictionary<string, string>(Backend) { ["HOST"] = "api.example.com" });

        var service = Assert.Single(options.Services);
        Assert.Equal("api.example.com", service.Hostname);
        Assert.Equal(["http://10.0.0.2:8080/"], Urls(options));
    }

    [Fact]
    public void A_required_substitution_that_is_unset_names_its_key_and_line()
    {
        var errors = ConfigText.Errors("flowbalance {\n  hostname = \"a.com\"\n  backends = [${BACKEND}]\n}");

        Assert.Equal("flowbalance.backends[0] (line 3): ${BACKEND}: environment variable BACKEND is not set (write ${?BACKEND} to leave the value out when it is unset)", Assert.Single(errors));
    }

    [Fact]
    public void An_unset_optional_field_is_not_set_and_keeps_an_earlier_value()
    {
        Assert.Equal(3, ConfigText.Load("flowbalance {\n  backends = []\n  retries = 3\n  retries = ${?RETRIES}\n}").DefaultSettings.Retries);
        Assert.Equal(ServiceSettings.Default.Retries, ConfigText.Load("flowbalance {\n  backends = [], retries = ${?RETRIES}, slow_start_ms = 0\n}").DefaultSettings.Retries);
        Assert.Equal(5, ConfigText.Load("flowbalance {\n  backends = []\n  retries = 3\n  retries = ${?RETRIES}\n}",
            environment: new Dictionary<string, string> { ["RETRIES"] = "5" }).DefaultSettings.Retries);
    }

    [Fact]
    public void Substitutions_join_strings_and_an_unset_optional_one_is_empty_there()
    {
        var options = ConfigText.Load("flowbalance.backends = [\"http://\"${HOST}\":80\"${?PATH_PREFIX}]",
            environment: new Dictionary<string, string> { ["HOST"] = "10.0.0.9" });

        Assert.Equal(["http://10.0.0.9/"], Urls(options));
    }

    [Fact]
    public void A_value_from_the_environment_stays_text_whatever_it_holds()
    {
        const string value = "a\"b\\c ${X} # , ] } \t\n\u0001end";

        var result = ConfigLoader.Parse("flowbalance.demo_backends = 1\nakka.x = ${V}", null, environment: ConfigText.Lookup(new Dictionary<string, string> { ["V"] = value }));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(value, result.Hocon!.GetString("akka.x"));
    }

    [Theory]
    [InlineData("flowbalance {\n  listen = \"http://0.0.0.0:80\"\n  plugins.x.y = ${flowbalance.listen}\n}", "flowbalance.plugins.x.y (line 3): ${flowbalance.listen} refers to the key 'flowbalance.listen' of this file; only environment variables can be substituted")]
    [InlineData("flowbalance.demo_backends = 1\nakka.a = ${akka.a}", "akka.a (line 2): ${akka.a} refers to the key 'akka.a' of this file; only environment variables can be substituted")]
    [InlineData("flowbalance.demo_backends = 1\nakka.a = ${?my.var}", "akka.a (line 2): ${?my.var}: 'my.var' is not an environment variable name (letters, digits and '_'); only environment variables can be substituted")]
    [InlineData("flowbalance.demo_backends = 1\nakka.a = ${?X} { b = 1 }", "akka.a (line 2): ${?X} is joined to an object or list; a substitution can stand alone or be joined to strings only")]
    [InlineData("flowbalance.demo_backends = 1\n${X} = 1", "line 2: a substitution (${X}) cannot be a key")]
    public void Substitutions_that_cannot_be_resolved_safely_are_refused_with_key_and_line(string text, string expected)
    {
        Assert.Equal(expected, Assert.Single(ConfigText.Errors(text)));
    }

    [Fact]
    public void Lines_after_a_removed_element_keep_their_numbers()
    {
        var errors = ConfigText.Errors("flowbalance {\n  backends = [\n    ${?BACKEND}\n  ]\n  retries = 99\n}");

        Assert.Equal("flowbalance.retries (line 5): must be between 0 and 10, found 99", Assert.Single(errors));
    }

    [Fact]
    public void DEFAULT_BACKENDS_may_use_substitutions_too()
    {
        var options = ConfigText.Load("flowbalance.demo_backends = 1", defaultBackends: "{\"hostname\": \"a.com\", \"backends\": [\"http://10.0.0.1:80\", ${?BACKEND}]}", environment: Backend);

        Assert.Equal(["http://10.0.0.1/", "http://10.0.0.2:8080/"], Urls(options));
    }

    [Fact]
    public void Readme_example_means_what_it_says()
    {
        const string readme = """
            flowbalance {
              hostname = ${PUBLIC_HOST}
              backends = ["https://api-1.internal:8443", ${?EXTRA_BACKEND}]
              retries = ${?RETRIES}
            }
            """;

        var options = ConfigText.Load(readme, environment: new Dictionary<string, string> { ["PUBLIC_HOST"] = "api.myapp.com" });

        Assert.Equal("api.myapp.com", Assert.Single(options.Services).Hostname);
        Assert.Equal(["https://api-1.internal:8443/"], Urls(options));
        Assert.Equal(ServiceSettings.Default.Retries, options.Services[0].Settings.Retries);
    }

    private static string[] Urls(FlowBalanceOptions options) => [.. Assert.Single(options.Services).Backends.Select(b => b.Url.AbsoluteUri)];
}
