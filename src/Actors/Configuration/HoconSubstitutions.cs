using System.Text;
using System.Text.RegularExpressions;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Resolves <c>${NAME}</c> and <c>${?NAME}</c> from the environment in the text itself, before
/// Akka's parser sees it. Akka 1.5's parser loops forever on <c>${?NAME}</c> (gigabytes within
/// seconds), never reads the environment, and overflows its stack on a key that refers to itself,
/// so no <c>${</c> ever reaches it: a value from the environment goes in as a quoted HOCON string,
/// an unset optional one is taken out the way HOCON defines (the field is not set, the list
/// element is dropped, inside a string it is empty), and every other form is refused with its key
/// and line. A list left without elements, or written empty with spaces or line breaks between
/// its brackets, becomes <c>[]</c>: Akka reads <c>[ ]</c> as a list of one empty element. Its
/// line breaks cannot stay (after the <c>]</c> one would end a value joined to the list), so a
/// position in the edited text is mapped back to the file's for Akka's error messages.
/// </summary>
internal static partial class HoconSubstitutions
{
    /// <summary>One <c>${…}</c> in the text, at [Start, End).</summary>
    public sealed record Reference(int Start, int End, string Name, bool Optional, int Line);

    /// <summary>A list holding a substitution: where its brackets are, its element count, how many elements went away.</summary>
    public sealed class ListSpan(int open)
    {
        public int Open { get; } = open;
        public int Close { get; set; } = -1;
        public int Elements { get; set; }
        public int Removed { get; set; }
    }

    /// <summary>
    /// A field's value or a list element that holds a substitution. <see cref="Start"/> is the field's
    /// key (a field whose value goes away goes with it) or the element's first character.
    /// </summary>
    public sealed class Site(int start, string path, ListSpan? list)
    {
        public int Start { get; } = start;
        public int End { get; set; } = start;

        /// <summary>Where the value's first part is (after the key and its separator); the value is [ValueAt, End).</summary>
        public int ValueAt { get; init; } = start;
        public string Path { get; } = path;
        public ListSpan? List { get; } = list;

        /// <summary>An object or list is part of the value: <c>a = ${X} { … }</c>.</summary>
        public bool Composite { get; set; }

        /// <summary>A string or literal is part of the value: <c>"http://"${HOST}</c>.</summary>
        public bool Plain { get; set; }

        public List<Reference> References { get; } = [];
    }

    private sealed record Edit(int Start, int End, string With, ListSpan? Removes);

    /// <summary>The text with every substitution resolved, or the text unchanged and <paramref name="errors"/> filled.</summary>
    /// <param name="original">Maps a position in the returned text to the same place in <paramref name="text"/>.</param>
    public static string Resolve(string text, HoconOutline outline, Func<string, string?> environment, List<ConfigError> errors, out Func<int, int> original)
    {
        original = at => at;
        if (outline.Substitutions.Count == 0 && outline.Lists.Count == 0) return text;
        var edits = new List<Edit>();
        long length = text.Length;
        foreach (var site in outline.Substitutions)
        {
            var values = new List<string?>(site.References.Count);
            var failed = false;
            foreach (var reference in site.References)
            {
                var (value, problem) = Lookup(reference, outline, environment);
                if (problem is not null) errors.Add(new ConfigError(site.Path, reference.Line, problem));
                failed |= problem is not null;
                values.Add(value);
                length += (value?.Length ?? 0) + 2;
            }
            if (failed) continue;
            if (site.Composite)
            {
                var first = site.References[0];
                errors.Add(new ConfigError(site.Path, first.Line, $"{Written(first)} is joined to an object or list; a substitution can stand alone or be joined to strings only"));
                continue;
            }
            if (length > ConfigLimits.MaxBytes)
            {
                errors.Add(new ConfigError(site.Path, site.References[0].Line, $"with its substitutions the text is larger than {ConfigLimits.MaxBytes / (1024 * 1024)} MiB (the limit)"));
                return text;
            }
            if (!site.Plain && values.All(v => v is null))
            {
                edits.Add(Removal(text, site));
                if (site.List is { } list) list.Removed++;
                continue;
            }
            if (JoinedToTripleQuotes(text, site) is { } triple)
            {
                errors.Add(new ConfigError(site.Path, triple.Line, $"{Written(triple)} is joined to a triple-quoted string; join it to \"…\" strings only"));
                continue;
            }
            edits.AddRange(Joined(text, site, values));
        }
        return errors.Count > 0 ? text : Apply(text, edits, outline.Lists, out original);
    }

    private static (string? Value, string? Problem) Lookup(Reference reference, HoconOutline outline, Func<string, string?> environment)
    {
        var name = reference.Name;
        if (outline.RootKeys.Contains(name.Split('.')[0].Trim('"')))
        {
            return (null, $"{Written(reference)} refers to the key '{name}' of this file; only environment variables can be substituted");
        }
        if (!EnvironmentName().IsMatch(name))
        {
            return (null, $"{Written(reference)}: '{name}' is not an environment variable name (letters, digits and '_'); only environment variables can be substituted");
        }
        var value = environment(name);
        return value is null && !reference.Optional
            ? (null, $"{Written(reference)}: environment variable {name} is not set (write ${{?{name}}} to leave the value out when it is unset)")
            : (value, null);
    }

    /// <summary>Takes out a field (key included) or a list element, with the comma after it; its line breaks stay.</summary>
    private static Edit Removal(string text, Site site)
    {
        var end = site.End;
        while (end < text.Length && text[end] is ' ' or '\t') end++;
        if (end < text.Length && text[end] == ',') end++;
        return new Edit(site.Start, end, LineBreaks(text, site.Start, end), site.List);
    }

    private static string Apply(string text, List<Edit> edits, IReadOnlyList<ListSpan> lists, out Func<int, int> original)
    {
        // A list left with no element becomes "[]": Akka reads "[ ]" and "[\n]" as one empty element.
        edits.RemoveAll(e => e.Removes is { } list && list.Removed == list.Elements);
        foreach (var list in lists.Where(l => l.Removed == l.Elements)) edits.Add(new Edit(list.Open, list.Close + 1, "[]", null));
        edits.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new StringBuilder(text.Length);
        var anchors = new List<(int Edited, int Original)> { (0, 0) }; // after each edit, where the file goes on
        var at = 0;
        foreach (var edit in edits)
        {
            result.Append(text, at, edit.Start - at).Append(edit.With);
            at = edit.End;
            anchors.Add((result.Length, at));
        }
        original = position =>
        {
            var anchor = anchors.Last(a => a.Edited <= position);
            return Math.Min(anchor.Original + position - anchor.Edited, text.Length);
        };
        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary><paramref name="value"/> as a quoted HOCON (JSON) string: whatever it holds stays text.</summary>
    /// <summary>
    /// The edits for a value made of strings and substitutions. Each value becomes string content
    /// merged into the quoted string it touches (that quote is taken out) and into the next reference
    /// it touches; only free ends get quotes. Two quotes then never meet: "a"${?X}"b" with X unset
    /// would otherwise read as "a""""b", whose triple quote swallows the rest of the file.
    /// </summary>
    private static IEnumerable<Edit> Joined(string text, Site site, List<string?> values)
    {
        var references = site.References;
        for (var i = 0; i < references.Count; i++)
        {
            var (start, end) = (references[i].Start, references[i].End);
            var afterReference = i > 0 && references[i - 1].End == start;
            var beforeReference = i < references.Count - 1 && references[i + 1].Start == end;
            var afterQuote = !afterReference && start > 0 && text[start - 1] == '"';
            var beforeQuote = !beforeReference && end < text.Length && text[end] == '"';
            var open = afterReference || afterQuote ? "" : "\"";
            var close = beforeReference || beforeQuote ? "" : "\"";
            yield return new Edit(afterQuote ? start - 1 : start, beforeQuote ? end + 1 : end, open + Escaped(values[i] ?? "") + close, null);
        }
    }

    private static Reference? JoinedToTripleQuotes(string text, Site site) => site.References.FirstOrDefault(r =>
        r.Start >= 3 && text.AsSpan(r.Start - 3, 3) is "\"\"\"" || r.End + 3 <= text.Length && text.AsSpan(r.End, 3) is "\"\"\"");

    internal static string Quote(string value) => $"\"{Escaped(value)}\"";

    private static string Escaped(string value)
    {
        var quoted = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ': quoted.Append($"\\u{(int)c:x4}"); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.ToString();
    }

    private static string LineBreaks(string text, int start, int end) => new('\n', text.AsSpan(start, end - start).Count('\n'));

    private static string Written(Reference reference) => reference.Optional ? $"${{?{reference.Name}}}" : $"${{{reference.Name}}}";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
