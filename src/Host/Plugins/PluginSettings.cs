using System.Globalization;
using FlowBalance.Actors.Configuration;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>A plugin's config section, read through the contract's typed getters.</summary>
public sealed class PluginSettings(ConfigTree tree) : IPluginSettings
{
    public string Path => tree.Path;

    public IReadOnlyCollection<string> Keys => tree.Children.Keys.ToList();

    public bool Contains(string key) => tree.Children.ContainsKey(key);

    public string? GetString(string key, string? fallback = null)
    {
        if (!tree.Children.TryGetValue(key, out var value)) return fallback;
        return value.Scalar ?? throw Invalid(key, value.IsObject ? "expected a value, found an object" : "expected a value, found a list");
    }

    public int GetInt(string key, int fallback)
    {
        var text = GetString(key);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(key, $"expected a whole number, found '{text}'");
    }

    public bool GetBool(string key, bool fallback) => GetString(key)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        var text => throw Invalid(key, $"expected true or false, found '{text}'"),
    };

    public TimeSpan GetDuration(string key, TimeSpan fallback)
    {
        var text = GetString(key);
        if (text is null) return fallback;
        return DurationText.Parse(text, TimeSpan.FromMilliseconds(1)) ?? throw Invalid(key, $"expected a duration such as 500, \"500ms\" or \"2s\", found '{text}'");
    }

    public IReadOnlyList<string> GetStrings(string key)
    {
        if (!tree.Children.TryGetValue(key, out var value)) return [];
        if (value.List is { } list) return list;
        return value.Scalar is { } one ? [one] : throw Invalid(key, "expected a list of values, found an object");
    }

    public IPluginSettings GetSection(string key)
    {
        if (!tree.Children.TryGetValue(key, out var value)) return new PluginSettings(ConfigTree.Empty($"{tree.Path}.{key}"));
        return value.IsObject ? new PluginSettings(value) : throw Invalid(key, "expected an object { … }");
    }

    public PluginConfigurationException Invalid(string key, string message) => new($"{tree.Path}.{key}", message);

    /// <summary>The line of a key path inside this section, for error messages.</summary>
    public int? LineOf(string path)
    {
        var node = tree;
        if (!path.StartsWith(tree.Path, StringComparison.Ordinal)) return null;
        foreach (var part in path[tree.Path.Length..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!node.Children.TryGetValue(part, out var child)) return node.Line;
            node = child;
        }
        return node.Line;
    }
}
