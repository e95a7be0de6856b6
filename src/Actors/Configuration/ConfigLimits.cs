namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Bounds on a config text, checked by FlowBalance's own code before Akka's HOCON parser sees it.
/// The parser recurses per nesting level (20,000 levels overflow the stack, which no catch can
/// stop), and its cost grows with the number of keys and values, not bytes: a 4 MiB file of two
/// million list elements took 4.7 s and kept 350 MB. A thread cannot be aborted, so a runaway
/// parse can only be prevented, not stopped.
/// </summary>
public static class ConfigLimits
{
    /// <summary>The largest config file (and DEFAULT_BACKENDS value) read: 4 MiB, hundreds of times a large real file.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>How deep objects, lists and dotted keys may nest (a real file nests 5 or 6 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Keys, values and opened objects or lists in one text. At the limit a whole load (outline,
    /// parser, validation) measured 0.3-0.8 s, 100-230 MB allocated and at most 35 MB kept; a large
    /// real file (1,000 services) has about 10,000.
    /// </summary>
    public const int MaxValues = 100_000;

    /// <summary>The longest key path (<c>flowbalance.services[0].backends</c>): keeps error messages and the line index small.</summary>
    public const int MaxKeyPathLength = 1024;

    /// <summary>
    /// The backstop for a parse that still runs away: the text is refused after this long. The
    /// parse itself cannot be stopped and keeps its thread; the checks above keep every known cause out.
    /// </summary>
    public static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(5);
}
