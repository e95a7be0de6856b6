namespace FlowBalance.Plugins.Abstractions;

/// <summary>
/// A plugin's section of <c>hocon.conf</c>, read with typed getters. A getter throws
/// <see cref="PluginConfigurationException"/> naming the key when a value has the wrong type, so
/// the operator sees the key and its line.
/// </summary>
public interface IPluginSettings
{
    /// <summary>The section's path, e.g. <c>flowbalance.plugins.headers</c>.</summary>
    string Path { get; }

    /// <summary>The keys present in this section.</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>Whether <paramref name="key"/> is set.</summary>
    bool Contains(string key);

    /// <summary>A scalar as text, or <paramref name="fallback"/> when the key is absent.</summary>
    string? GetString(string key, string? fallback = null);

    /// <summary>A whole number, or <paramref name="fallback"/> when the key is absent.</summary>
    int GetInt(string key, int fallback);

    /// <summary>true/false (also on/off, yes/no), or <paramref name="fallback"/> when the key is absent.</summary>
    bool GetBool(string key, bool fallback);

    /// <summary>A duration: a bare number of milliseconds or text such as "500ms", "2s", "1m".</summary>
    TimeSpan GetDuration(string key, TimeSpan fallback);

    /// <summary>A list of scalars (a single scalar reads as a one-element list); empty when absent.</summary>
    IReadOnlyList<string> GetStrings(string key);

    /// <summary>A nested section; an empty one when absent.</summary>
    IPluginSettings GetSection(string key);

    /// <summary>An exception naming <paramref name="key"/>'s full path, for <c>throw settings.Invalid("status", "must be 4xx or 5xx")</c>.</summary>
    PluginConfigurationException Invalid(string key, string message);
}
