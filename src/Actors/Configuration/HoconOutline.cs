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
    private readonly List<RootField> _rootFields = [];

    private HoconOutline() { }

    public IReadOnlyList<ConfigError> SyntaxErrors => _errors;

    /// <summary>Every field value and list element holding a <c>${…}</c>, in text order.</summary>
    internal IReadOnlyList<HoconSubstitutions.Site> Substitutions => _substitutions;

    /// <summary>Every list that holds a substitution, or has no element but spaces or line breaks between its brackets.</summary>
    internal IReadOnlyList<HoconSubstitutions.ListSpan> Lists => _lists;

    /// <summary>The first part of every top-level key: a substitution naming one refers to the file, not the environment.</summary>
    internal IReadOnlySet<string> RootKeys => _rootKeys;

    /// <summary>
    /// A top-level field of the text: its key as written (quotes taken off) and where it is,
    /// [<paramref name="Start"/>, <paramref name="End"/>) from its key to the end of its value (a comment on the value's last line included).
    /// </summary>
    public sealed record RootField(string Key, bool Quoted, int Start, int End)
    {
        /// <summary>The top-level key it sets: <c>akka</c> for <c>akka.loglevel = …</c>.</summary>
        public string Root => Quoted ? Key : Key.Split('.')[0];
    }

    /// <summary>Every top-level field, in text order (one key may have several: <c>akka { … }</c> and <c>akka.loglevel = …</c>).</summary>
    public IReadOnlyList<RootField> RootFields => _rootFields;

    /// <summary>The line where <paramref name="path"/> (e.g. <c>flowbalance.services[0].backends[1]</c>) was last set.</summary>
    public int? LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line)) return line;
        }
        return null;
    }

    /// <summary>
    /// How <paramref name="text"/> (the text this outline was scanned from) writes the value at
    /// <paramref name="path"/> when a substitution sets it: <c>${WEBHOOK_SECRET}</c>, <c>"whsec_"${KEY}</c>.
    /// Null when none does: the value has no substitution, a later line sets the path again, or its
    /// optional substitutions are all unset in <paramref name="environment"/> (which takes the field
    /// out, so an earlier setting is what runs).
    /// </summary>
    public string? SubstitutionAt(string text, string path, Func<string, string?> environment)
    {
        if (_substitutions.LastOrDefault(s => s.Path == path) is not { } site) return null;
        var line = text.AsSpan(0, site.Start).Count('\n') + 1;
        if (!_lines.TryGetValue(path, out var last) || last != line) return null;
        if (!site.Plain && site.References.All(r => r.Optional && environment(r.Name) is null)) return null;
        return text[site.ValueAt..site.End];
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
