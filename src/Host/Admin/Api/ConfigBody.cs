using System.Text.Json;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// What a <c>PUT /config</c> or <c>POST /config/validate</c> body holds: the whole file's
/// <see cref="Text"/> (text/plain, or <c>{"text": "..."}</c>), the flowbalance section as JSON
/// (<c>{"config": {...}}</c>, <see cref="Config"/>: see <c>JsonConfigText</c>), or a <see cref="Problem"/> (400).
/// </summary>
public sealed record ConfigBody(string? Text, JsonElement? Config, string? Problem)
{
    public static ConfigBody Refused(string problem) => new(null, null, problem);
}
