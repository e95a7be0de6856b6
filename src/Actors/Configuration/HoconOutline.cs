namespace FlowBalance.Actors.Configuration;

/// <summary>
/// A structural pass over HOCON text before Akka parses it. Akka's parser is lenient (it accepts
/// a key with no value), can loop forever on an unclosed bracket and recurses once per nesting
/// level, so the outline checks nesting, strings and missing values itself, enforces
/// <see cref="ConfigLimits"/> (depth, number of values, key path length), and records the line of
/// every key path so that later validation errors can point at the line that caused them. It
/// never recurses and stops at the first problem, so it is linear in the text whatever the text.
/// </summary>
public sealed partial class HoconOutline
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly List<ConfigError> _errors = [];
    private readonly List<HoconSubstitutions.Site> _substitutions = [];
    private readonly List<HoconSubstitutions.ListSpan> _lists = [];
    private readonly HashSet<string> _rootKeys = new(StringComparer.Ordinal);

    private HoconOutline() { }

    public IReadOnlyList<ConfigError> SyntaxErrors => _errors;

    /// <summary>Every field value and list element holding a <c>${…}</c>, in text order.</summary>
    internal IReadOnlyList<HoconSubstitutions.Site> Substitutions => _substitutions;

    /// <summary>Every list that holds a substitution, or has no element but spaces or line breaks between its brackets.</summary>
    internal IReadOnlyList<HoconSubstitutions.ListSpan> Lists => _lists;

    /// <summary>The first part of every top-level key: a substitution naming one refers to the file, not the environment.</summary>
    internal IReadOnlySet<string> RootKeys => _rootKeys;

    /// <summary>The line where <paramref name="path"/> (e.g. <c>flowbalance.services[0].backends[1]</c>) was last set.</summary>
    public int? LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line)) return line;
        }
        return null;
    }

    public static HoconOutline Scan(string text)
    {
        var outline = new HoconOutline();
        new Scanner(text, outline).Run();
        return outline;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
