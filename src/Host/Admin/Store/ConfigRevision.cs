using System.Collections.Immutable;

namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// One applied version of the config. <see cref="Id"/> is assigned on append (pass 0); listings leave
/// <see cref="Text"/> null so a long history stays cheap to show.
/// </summary>
public sealed record ConfigRevision(
    long Id,
    DateTimeOffset Time,
    string Source,
    string Actor,
    string Sha256,
    string? Text,
    string? Summary)
{
    public static ImmutableArray<string> Sources { get; } = ["startup", "file", "api", "dashboard", "rollback"];
}
