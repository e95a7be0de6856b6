namespace FlowBalance.Host.Hosting;

/// <summary>The command line: <c>--config PATH</c> (default ./hocon.conf) and <c>--listen URL</c> (repeatable).</summary>
public sealed record CommandLine(string ConfigPath, IReadOnlyList<string> Listen, bool Help)
{
    public const string Usage =
        "usage: FlowBalance.Host [--config PATH] [--listen URL]\n" +
        "  --config PATH   HOCON configuration file (default ./hocon.conf)\n" +
        "  --listen URL    address to listen on, overrides flowbalance.listen (e.g. http://0.0.0.0:8080);\n" +
        "                  give it several times for several listeners (https:// needs flowbalance.tls)";

    /// <summary>Parses <paramref name="args"/>; returns null and an error message when they are wrong.</summary>
    public static CommandLine? Parse(string[] args, out string? error)
    {
        var config = "hocon.conf";
        var listen = new List<string>();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (args[i], null);
            switch (name)
            {
                case "--help" or "-h":
                    return new CommandLine(config, listen, Help: true);
                case "--config" or "--listen":
                    var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        error = $"{name} needs a value";
                        return null;
                    }
                    if (name == "--config") config = value;
                    else listen.Add(value);
                    break;
                default:
                    error = $"unknown argument '{args[i]}'";
                    return null;
            }
        }
        return new CommandLine(config, listen, Help: false);
    }
}
