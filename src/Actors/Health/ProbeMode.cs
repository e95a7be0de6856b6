namespace FlowBalance.Actors.Health;

/// <summary>How a backend is probed.</summary>
public enum ProbeMode
{
    Discover,
    Path,
    Tcp,
}
