namespace FlowBalance.Actors.Health;

/// <summary>What a probe checks: discover a health path, a known path, or only that the port accepts connections.</summary>
public sealed record ProbeTarget(ProbeMode Mode, string? Path)
{
    public static readonly ProbeTarget Discover = new(ProbeMode.Discover, null);
    public static readonly ProbeTarget Tcp = new(ProbeMode.Tcp, null);

    public static ProbeTarget ForPath(string path) => new(ProbeMode.Path, path);

    public override string ToString() => Mode switch
    {
        ProbeMode.Path => Path!,
        ProbeMode.Tcp => "TCP connect",
        _ => "discovery",
    };
}
