using System.Globalization;
using Akka.Configuration.Hocon;

namespace FlowBalance.Actors.Configuration;

/// <summary>A HOCON value with its key path, read with typed accessors that report errors instead of throwing.</summary>
internal readonly record struct ConfigNode(HoconValue Value, string Path, ConfigErrors Errors)
{
    public bool IsObject => Value.IsObject();

    /// <summary>A list, including <c>[]</c>: Akka's HoconValue.IsArray() is false for an empty array.</summary>
    public bool IsArray => Value.Values.Count > 0 && Value.Values.Any(v => v is HoconArray)
        && Value.Values.All(v => v is HoconArray || v is HoconLiteral { Value: var text } && string.IsNullOrWhiteSpace(text));

    public bool IsEmpty => Value.Values.Count == 0;

    public IReadOnlyDictionary<string, HoconValue> Fields =>
        IsObject ? Value.GetObject().Items : new Dictionary<string, HoconValue>();

    public ConfigNode? Child(string key) =>
        IsObject && Value.GetObject().Items.TryGetValue(key, out var child) ? new ConfigNode(child, $"{Path}.{key}", Errors) : null;

    public IReadOnlyList<ConfigNode> Elements()
    {
        if (!IsArray) return [];
        var items = Value.Values.OfType<HoconArray>().SelectMany(a => a.GetArray()).ToList();
        var nodes = new List<ConfigNode>(items.Count);
        for (var i = 0; i < items.Count; i++) nodes.Add(new ConfigNode(items[i], $"{Path}[{i}]", Errors));
        return nodes;
    }

    /// <summary>The value as text if it is a scalar; otherwise reports "expected {what}" and returns null.</summary>
    public string? Scalar(string what)
    {
        if (IsEmpty) return Fail<string>("has no value");
        if (IsObject || IsArray || Value.Values.Any(v => v is HoconArray)) return Fail<string>($"expected {what}, found {(IsObject ? "an object" : "a list")}");
        var text = Value.GetString();
        return text?.Trim();
    }

    public string? String() => Scalar("a string");

    public bool? Bool()
    {
        var text = Scalar("true or false");
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => FailStruct<bool>($"expected true or false, found '{text}'"),
        };
    }

    public int? Int(int min, int max)
    {
        var text = Scalar("a whole number");
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return FailStruct<int>($"expected a whole number, found '{text}'");
        }
        return value < min || value > max ? FailStruct<int>($"must be between {min} and {max}, found {value}") : value;
    }

    public long? Long(long min, long max)
    {
        var text = Scalar("a whole number");
        if (text is null) return null;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return FailStruct<long>($"expected a whole number, found '{text}'");
        }
        return value < min || value > max ? FailStruct<long>($"must be between {min} and {max}, found {value}") : value;
    }

    public double? Number(double min, double max)
    {
        var text = Scalar("a number");
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return FailStruct<double>($"expected a number, found '{text}'");
        }
        return value < min || value > max ? FailStruct<double>($"must be between {min} and {max}, found {value}") : value;
    }

    /// <summary>A duration: a bare number in <paramref name="bareUnit"/>, or text such as "500ms", "2s", "1.5m".</summary>
    public TimeSpan? Duration(TimeSpan bareUnit, TimeSpan min, TimeSpan max)
    {
        var text = Scalar("a duration");
        if (text is null) return null;
        var parsed = DurationText.Parse(text, bareUnit);
        if (parsed is not { } value)
        {
            return FailStruct<TimeSpan>($"expected a duration such as 30, \"500ms\" or \"2s\", found '{text}'");
        }
        return value < min || value > max
            ? FailStruct<TimeSpan>($"must be between {DurationText.Format(min)} and {DurationText.Format(max)}, found {DurationText.Format(value)}")
            : value;
    }

    public string? OneOf(IReadOnlyList<string> allowed)
    {
        var text = String();
        if (text is null) return null;
        foreach (var option in allowed)
        {
            if (option.Equals(text, StringComparison.OrdinalIgnoreCase)) return option;
        }
        return Fail<string>($"must be one of {string.Join(", ", allowed)}, found '{text}'");
    }

    /// <summary>A header or cookie name: letters, digits, '-', '_' and '.'.</summary>
    public string? Token()
    {
        var text = String();
        if (text is null) return null;
        return text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? text
            : Fail<string>($"must be a header or cookie name (letters, digits, '-', '_', '.'), found '{text}'");
    }

    /// <summary>A file or folder path, absolute against <paramref name="baseDirectory"/> (Path.GetFullPath throws on a NUL character).</summary>
    public string? FullPath(string baseDirectory)
    {
        var text = String();
        if (text is null) return null;
        return text.Contains('\0') ? Fail<string>("must be a path, found a NUL character (\\u0000)") : System.IO.Path.GetFullPath(text, baseDirectory);
    }

    public T? Fail<T>(string message) where T : class
    {
        Errors.Add(Path, message);
        return null;
    }

    public T? FailStruct<T>(string message) where T : struct
    {
        Errors.Add(Path, message);
        return null;
    }
}
