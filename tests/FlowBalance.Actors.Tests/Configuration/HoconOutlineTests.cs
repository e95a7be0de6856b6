using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>
/// What the outline tells about a text beyond its syntax: where its top-level fields are, and how a
/// value set by a substitution is written (the admin API's JSON edits keep both as they are).
/// </summary>
public sealed class HoconOutlineTests
{
    [Fact]
    public void RootFields_BracedDottedAndCommented_SpanKeyToValueWithTheCommentOnItsLastLine()
    {
        const string text = """
            # header
            flowbalance {
              backends = ["http://10.0.0.1:8080"] # inside
            }

            akka {
              loglevel = WARNING   # Akka's own log
            }
            akka.actor.provider = local # last
            "akka.quoted" = 1, other = { a = [1, 2] }
            """;

        var fields = HoconOutline.Scan(text).RootFields;

        Assert.Equal(["flowbalance", "akka", "akka.actor.provider", "akka.quoted", "other"], fields.Select(f => f.Key));
        Assert.Equal(["flowbalance", "akka", "akka", "akka.quoted", "other"], fields.Select(f => f.Root));
        Assert.Equal("akka {\n  loglevel = WARNING   # Akka's own log\n}", Span(text, fields[1]));
        Assert.Equal("akka.actor.provider = local # last", Span(text, fields[2]));
        Assert.Equal("\"akka.quoted\" = 1", Span(text, fields[3]));
        Assert.Equal("other = { a = [1, 2] }", Span(text, fields[4]));
    }

    [Fact]
    public void RootFields_DocumentInBracesOrCarriageReturns_EndAtTheBraceOrTheLineBreak()
    {
        const string wrapped = "{ flowbalance { retries = 1 }, akka.loglevel = INFO }";
        Assert.Equal(["flowbalance { retries = 1 }", "akka.loglevel = INFO "], HoconOutline.Scan(wrapped).RootFields.Select(f => Span(wrapped, f)));

        const string windows = "flowbalance.retries = 1\r\nakka.loglevel = INFO\r\n";
        Assert.Equal(["flowbalance.retries = 1", "akka.loglevel = INFO"], HoconOutline.Scan(windows).RootFields.Select(f => Span(windows, f)));
    }

    [Theory]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\", secret = ${WEBHOOK_SECRET} }]", "${WEBHOOK_SECRET}")]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\", secret = \"whsec_\"${KEY} }]", "\"whsec_\"${KEY}")]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\", secret = ${?WEBHOOK_SECRET} }]", "${?WEBHOOK_SECRET}")]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\", secret = \"literal\" }]", null)]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\", secret = ${?UNSET} }]", null)]
    [InlineData("flowbalance.notifications.webhooks = [{ id = \"ops\",\n secret = ${WEBHOOK_SECRET}\n secret = \"later\" }]", null)]
    public void SubstitutionAt_ASecretFromTheEnvironment_IsWrittenAsTheFileWritesIt(string text, string? expected)
    {
        string? Environment(string name) => name is "WEBHOOK_SECRET" or "KEY" ? "s3cret" : null;

        Assert.Equal(expected, HoconOutline.Scan(text).SubstitutionAt(text, "flowbalance.notifications.webhooks[0].secret", Environment));
    }

    private static string Span(string text, HoconOutline.RootField field) => text[field.Start..field.End];
}
