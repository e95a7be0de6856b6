using System.Diagnostics;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>
/// Text Akka's HOCON parser cannot read (it loops forever or loses track of where objects end) is
/// refused by the outline with its line, so it never reaches the parser. The texts below were
/// found by a fuzzer: each one hit the 5 s parse deadline while its thread kept growing by gigabytes
/// (the last two only once empty lists were rewritten with their line breaks after the "]").
/// </summary>
public sealed class ParserTrapTests
{
    private const string Service = "flowbalance.demo_backends = 1\n";

    [Theory]
    [InlineData("akka.x = [?]", "line 2: '?' cannot be part of an unquoted key or value; put it in quotes (\"...\")")]
    [InlineData("akka.x = [a\\b]", "line 2: '\\' cannot be part of an unquoted key or value; put it in quotes (\"...\")")]
    [InlineData("akka.x = [*.example.com]", "line 2: '*' cannot be part of an unquoted key or value; put it in quotes (\"...\")")]
    [InlineData("akka.x += 1", "line 2: '+=' is not supported; write the whole list: akka.x = [ ... ]")]
    [InlineData("akka.x { a = 1 } { b = 2 }", "line 2: 'akka.x { ... }' cannot be joined to another value; write akka.x = { ... } ...")]
    [InlineData("akka.x = [{ a { } { } }]", "line 2: 'a { ... }' cannot be joined to another value; write a = { ... } ...")]
    [InlineData("akka.x = [{ a = 1\u00A0\"b\" }]", "line 2: U+00A0 (a special space) is not allowed outside quotes; use a plain space")]
    [InlineData("akka.x = [1, \uFEFF]", "line 2: U+FEFF (a special space) is not allowed outside quotes; use a plain space")]
    [InlineData("akka.x = [{ url..y = 1 }]", "line 2: 'url..y' has an empty part between dots; quote a key that holds dots (\"a.b\")")]
    [InlineData("akka.x. = 1", "line 2: 'akka.x.' has an empty part between dots; quote a key that holds dots (\"a.b\")")]
    public void Text_the_parser_cannot_read_is_refused_with_its_line(string text, string expected)
    {
        Assert.Equal(expected, Assert.Single(ConfigText.Errors(Service + text)));
    }

    [Theory]
    [InlineData("url+=[${?Y}hostnamenull\\backendslisten${?X}]url")]
    [InlineData("\t+=[?\r\n]")]
    [InlineData("1=\r\na.b\"\"\"x\"\"\".-0xflowbalance[-?]\t")]
    [InlineData("weight  :\t{\t  }\na.b:\t[ [\u00A0\"\"\"t\nq\"\"\"\t, \n\"\\u0041\"\u00A0true,\t] a/b,[ # c\n],{  }{ # c\nakka\u00A0{   }{\t\r}\u00A0}\t] ")]
    [InlineData(" \"q.k\"+= [ // c\n[\r-1\u00A0] { # c\nhostname   # c\n{\u00A0services  =  [  10m\r] [  +1,${?Y} # c\n] // c\n}{ # c\nbackends\u00A0=\t{\r  }} // c\n} ]\u00A0,\t\nlisten # c\n=\u00A0[  \u2028 ]\u00A0,\t\nservices\t+=[\u00A0,\r]\r")]
    [InlineData(" // c\nk1 // c\n  {\ta.b  =\t[  [  \t], {  \"q.k\" =\t+1\nlisten: # c\n[{\u00A0 }{ # c\nservices\u00A0=\u00A0-1\u00A0${?X}  }]\nakka // c\n=\t[ // c\n[\r,\r],  ] # c\n} # c\n]\t} # c\n, # c\n\ntrue\r: // c\n\"s\"\r")]
    [InlineData("a = x\ry = [1, }")]
    [InlineData("\ninclude \r:\r\n[\r\n{ \rurl.. // c\n  {\tinclude\r\n= 1 }}\n[ // c\n # c\n]\n{ \r },\r\n]\n")]
    [InlineData("  shutdown_timeout\n= // c\n[[ \ra/b] null,{ retries..\t \r{ # c\nakka\n:\n[\t ]},a // c\\\n=\n\"*\"\t}+1,] # c\n")]
    [InlineData("  \"q.k\" = # c\n{\r\n # c\n}\n_\t:[ # c\n{  \"q.k\"\n= [\n, # c\n] { // c\na.b // c\n= # c\n[\t[ // c\n\t] 0x10\n] # c\n} } # c\n]\nbackends=\t${X} \r1 # c\n")]
    [InlineData(" weight\r\n: # c\n[ # c\n[\r\n\"\\n\",{\tx-y\n=[\t, // c\n] {   } \r},{\n_ \r=  1, _ =\r\n${?X}, x-y=  ${?X}\n}\"\"\"t\nq\"\"\" # c\n]\r\n] [\t{\t\t}, 1, # c\n] ")]
    public void Fuzzer_finds_load_or_fail_at_once(string text)
    {
        var clock = Stopwatch.StartNew();

        var result = ConfigLoader.Parse(Service + text, null, environment: name => name == "X" ? "http://127.0.0.1:2" : null);

        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("did not finish", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("flowbalance {\n  demo_backends = 1\n  backends = [ ]\n  retries = 99\n}")]
    [InlineData("flowbalance {\n  demo_backends = 1\n  backends = [\n  ]\n  retries = 99\n}")]
    [InlineData("flowbalance {\n  demo_backends = 1\n  backends = [ # none yet\n]\n  retries = 99\n}")]
    public void An_empty_list_written_with_spaces_or_line_breaks_is_empty(string text)
    {
        // Akka reads "[ ]" as a list of one empty element: "flowbalance.backends[0]: has no value".
        var error = Assert.Single(ConfigText.Errors(text));

        Assert.Equal($"flowbalance.retries (line {(text.Contains("[ ]") ? 4 : 5)}): must be between 0 and 10, found 99", error);
        Assert.Empty(Assert.Single(ConfigText.Load(text.Replace("retries = 99", "retries = 2")).Services).Backends);
    }

    [Fact]
    public void An_empty_list_joined_to_another_stays_joined_and_positions_map_back_to_the_file()
    {
        // The collapsed list keeps no line break: after its ']' one would end the value "[ ] [1]".
        const string text = "akka.x = [\n  # none\n] [1]\nakka.y = 2";
        var outline = HoconOutline.Scan(text);

        var resolved = HoconSubstitutions.Resolve(text, outline, _ => null, [], out var original);

        Assert.Equal("akka.x = [] [1]\nakka.y = 2", resolved);
        Assert.Equal(text.IndexOf("akka.y", StringComparison.Ordinal), original(resolved.IndexOf("akka.y", StringComparison.Ordinal)));
        Assert.Equal(["1"], ConfigLoader.Parse(Service + text, null).Hocon!.GetStringList("akka.x"));
    }

    [Fact]
    public void A_quoted_key_may_hold_dots()
    {
        var result = ConfigLoader.Parse(Service + "akka.x { \"a..b\" = 1 }", null);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("1", result.Hocon!.GetValue("akka.x").GetObject().Items["a..b"].GetString());
    }

    [Fact]
    public void Windows_line_ends_and_plain_spaces_still_load()
    {
        var options = ConfigText.Load("flowbalance {\r\n  hostname = \"a.com\"\r\n  backends = [\r\n    \"http://127.0.0.1:1\"\r\n  ]\r\n  retries = 2\r\n}\r\n");

        Assert.Equal(2, Assert.Single(options.Services).Settings.Retries);
    }
}
