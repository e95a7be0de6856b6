using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Where the running configuration came from, so it can be read again: the file, a <c>--listen</c>
/// that overrides it, the demo service started at startup (kept while the file configures none),
/// and the file's <c>akka</c> section as the actor system was started with (a change needs a restart).
/// </summary>
public sealed record ConfigSource(string Path, ImmutableArray<ListenEndpoint>? ListenOverride, ServiceDefinition? DemoService, string? AkkaSection = null)
{
    /// <summary>The file's text as read at startup (its first revision).</summary>
    public string Text { get; init; } = "";

    /// <summary>The file parsed at startup: what <c>GET /config</c> shows until something is applied.</summary>
    public Akka.Configuration.Config? Hocon { get; init; }

    /// <summary>The <c>akka { }</c> section of a parsed file as text, for comparing two files; null when it has none.</summary>
    public static string? AkkaSectionOf(Akka.Configuration.Config? hocon) => SectionOf(hocon, "akka");

    /// <summary>A section of a parsed file as text (<c>akka</c>, <c>flowbalance.admin</c>), for comparing two files; null when it has none.</summary>
    public static string? SectionOf(Akka.Configuration.Config? hocon, string path) =>
        hocon is not null && hocon.HasPath(path) ? hocon.GetConfig(path).Root.ToString() : null;
}
