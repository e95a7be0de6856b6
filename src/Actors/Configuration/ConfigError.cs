namespace FlowBalance.Actors.Configuration;

/// <summary>One problem in the configuration: the key path it concerns (if any), its line, and what is wrong.</summary>
public sealed record ConfigError(string? Path, int? Line, string Message)
{
    public override string ToString()
    {
        var where = (Path, Line) switch
        {
            (not null, not null) => $"{Path} (line {Line}): ",
            (not null, null) => $"{Path}: ",
            (null, not null) => $"line {Line}: ",
            _ => "",
        };
        return where + Message;
    }
}
