using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Config;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// What <see cref="ConfigReloader.ApplyTextAsync"/> did with a text: applied it as <see cref="Revision"/>,
/// refused it (<see cref="Errors"/>, nothing written), or refused a stale <c>If-Match</c>. <see cref="Before"/>
/// is the revision that ran when the call started; <see cref="RestartNeeded"/> names settings that
/// still run with their startup values.
/// </summary>
public sealed record ConfigApplyResult(
    ConfigApplyResult.Outcome Status,
    long Before,
    long Revision,
    IReadOnlyList<ConfigError> Errors,
    ConfigDiff? Diff,
    IReadOnlyList<string> RestartNeeded)
{
    public enum Outcome { Applied, Invalid, Stale }
}
