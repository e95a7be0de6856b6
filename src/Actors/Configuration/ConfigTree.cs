using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// A config value kept as text for code that defines its own keys (plugins): a scalar, a list of
/// scalars, or an object; each with its key path and line so the owner's errors can point at it.
/// </summary>
public sealed record ConfigTree(string Path, int? Line, string? Scalar, ImmutableArray<string>? List, ImmutableDictionary<string, ConfigTree> Children)
{
    public bool IsObject => Scalar is null && List is null;

    /// <summary>The value as one string (keys sorted), to tell whether a section changed between two loads.</summary>
    public string Canonical() => Scalar is not null ? $"\"{Scalar}\""
        : List is { } list ? $"[{string.Join(",", list.Select(v => $"\"{v}\""))}]"
        : $"{{{string.Join(",", Children.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value.Canonical()}"))}}}";

    public static ConfigTree Empty(string path) => new(path, null, null, null, ImmutableDictionary<string, ConfigTree>.Empty);

    internal static ConfigTree From(ConfigNode node, Func<string, int?> lineOf)
    {
        var line = lineOf(node.Path);
        if (node.IsObject)
        {
            var children = node.Fields.Keys.ToImmutableDictionary(key => key, key => From(node.Child(key)!.Value, lineOf));
            return new ConfigTree(node.Path, line, null, null, children);
        }
        if (node.IsArray)
        {
            var items = node.Elements().Select(element => element.IsObject || element.IsArray
                ? element.Fail<string>("plugin settings lists hold plain values only") ?? ""
                : element.String() ?? "");
            return new ConfigTree(node.Path, line, null, [.. items], ImmutableDictionary<string, ConfigTree>.Empty);
        }
        return new ConfigTree(node.Path, line, node.String() ?? "", null, ImmutableDictionary<string, ConfigTree>.Empty);
    }
}
