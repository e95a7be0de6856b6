using System.Diagnostics;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Whatever the text, loading it ends quickly: limits refuse what would overflow the stack or take Akka's parser minutes.</summary>
public sealed class ConfigLimitTests
{
    private const string Service = "flowbalance { backends = [\"http://127.0.0.1:1\"] }\n";

    [Fact]
    public void Nesting_of_20000_levels_is_refused_at_once_instead_of_overflowing_the_stack()
    {
        var text = Service + "akka.x = " + string.Concat(Enumerable.Repeat("{ a = ", 20_000)) + "1" + new string('}', 20_000);
        var clock = Stopwatch.StartNew();

        var errors = ConfigText.Errors(text);

        Assert.Equal("line 2: nested more than 64 levels deep (the limit; objects, lists and each part of a dotted key count)", Assert.Single(errors));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_key_path_of_64_parts_is_accepted_and_65_is_refused()
    {
        // akka.x is 2 parts; each { a: ... } adds one: akka.x.a.a...
        string Nested(int parts) => Service + "akka.x = " + string.Concat(Enumerable.Repeat("{ a: ", parts - 2)) + "1" + new string('}', parts - 2);

        ConfigText.Load(Nested(64));
        Assert.Contains("nested more than 64 levels deep", Assert.Single(ConfigText.Errors(Nested(65))));
    }

    [Fact]
    public void Lists_nested_past_64_levels_are_refused()
    {
        var text = Service + "akka.x = " + new string('[', 20_000) + new string(']', 20_000);

        Assert.Contains("nested more than 64 levels deep", Assert.Single(ConfigText.Errors(text)));
    }

    [Fact]
    public void A_dotted_key_counts_each_part_as_a_level()
    {
        var key = string.Join(".", Enumerable.Repeat("k", 65));

        Assert.Equal("line 2: nested more than 64 levels deep (the limit; objects, lists and each part of a dotted key count)", Assert.Single(ConfigText.Errors(Service + key + " = 1")));
    }

    [Fact]
    public void More_than_100000_keys_and_values_are_refused()
    {
        var text = Service + "akka.x = [" + string.Join(",", Enumerable.Repeat("1", ConfigLimits.MaxValues)) + "]";

        Assert.Equal("line 2: more than 100,000 keys and values (the limit for one file)", Assert.Single(ConfigText.Errors(text)));
    }

    [Fact]
    public void A_text_larger_than_4_MiB_is_refused_before_it_is_scanned()
    {
        var text = Service + "# " + new string('x', ConfigLimits.MaxBytes);

        Assert.StartsWith("larger than 4 MiB (the limit), found 4,194,", Assert.Single(ConfigText.Errors(text)));
    }

    [Fact]
    public void A_file_larger_than_4_MiB_is_refused_without_reading_all_of_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"huge-{Guid.NewGuid():N}.conf");
        try
        {
            File.WriteAllText(path, Service + "# " + new string('x', 6 * 1024 * 1024));

            var result = ConfigLoader.LoadFile(path, null);

            Assert.Equal($"config file {path} is larger than 4 MiB (the limit)", Assert.Single(result.Errors).ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_key_path_longer_than_1024_characters_is_refused()
    {
        Assert.Equal("line 2: key path longer than 1024 characters (the limit)", Assert.Single(ConfigText.Errors(Service + "akka." + new string('k', 1024) + " = 1")));
    }

    [Fact]
    public void DEFAULT_BACKENDS_is_held_to_the_same_limits()
    {
        var json = "{\"hostname\": \"a.com\", \"backends\": " + new string('[', 100) + new string(']', 100) + "}";

        var error = Assert.Single(ConfigText.Errors("flowbalance { demo_backends = 1 }", defaultBackends: json));

        Assert.StartsWith("DEFAULT_BACKENDS: is not valid JSON", error);
        Assert.EndsWith("(line 1: nested more than 64 levels deep (the limit; objects, lists and each part of a dotted key count))", error);
    }

    [Fact]
    public void A_parse_past_its_deadline_is_refused_when_the_deadline_passes()
    {
        using var never = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();

        var error = HoconText.TryParse("a = 1", TimeSpan.FromMilliseconds(300), _ => { never.Wait(); throw new InvalidOperationException(); }, out var config);

        Assert.Null(config);
        Assert.Equal("the HOCON parser did not finish within 300ms; the text is refused", error?.ToString());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        never.Set(); // lets the stuck thread end
    }

    [Fact]
    public void A_parse_within_its_deadline_returns_the_tree()
    {
        var error = HoconText.TryParse("a = 1", TimeSpan.FromSeconds(5), Akka.Configuration.ConfigurationFactory.ParseString, out var config);

        Assert.Null(error);
        Assert.Equal(1, config!.GetInt("a"));
    }
}
