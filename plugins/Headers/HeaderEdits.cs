using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Plugins.Headers;

/// <summary>Headers to set and to remove, validated once when the plugin is created.</summary>
public sealed class HeaderEdits(KeyValuePair<string, string>[] set, string[] remove)
{
    public bool IsEmpty => set.Length == 0 && remove.Length == 0;

    public static HeaderEdits Read(IPluginSettings section)
    {
        var setSection = section.GetSection("set");
        var set = setSection.Keys.Select(name => KeyValuePair.Create(ValidName(setSection, name, name), setSection.GetString(name) ?? "")).ToArray();
        var remove = section.GetStrings("remove").Select(name => ValidName(section, "remove", name)).ToArray();
        return new HeaderEdits(set, remove);
    }

    public void Apply(IHeaderDictionary headers)
    {
        foreach (var name in remove) headers.Remove(name);
        foreach (var (name, value) in set) headers[name] = value;
    }

    private static string ValidName(IPluginSettings section, string key, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))
            ? name
            : throw section.Invalid(key, $"'{name}' is not a valid header name");
}
