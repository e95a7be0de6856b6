using System.Text.RegularExpressions;
using Akka.Configuration;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Turns config text into Akka's HOCON tree safely: the size limit, then our own outline (syntax,
/// nesting and value-count limits), then environment substitutions resolved in the text, then
/// Akka's parser on a thread of its own with a deadline.
/// </summary>
internal static partial class HoconText
{
    public sealed record Parsed(HoconOutline? Outline, Config? Hocon, IReadOnlyList<ConfigError> Errors);

    public static Parsed Parse(string text, Func<string, string?> environment)
    {
        if (text.Length > ConfigLimits.MaxBytes)
        {
            return Failed(new ConfigError(null, null, $"larger than {ConfigLimits.MaxBytes / (1024 * 1024)} MiB (the limit), found {text.Length:N0} characters"));
        }
        var outline = HoconOutline.Scan(text);
        if (outline.SyntaxErrors.Count > 0) return new Parsed(outline, null, outline.SyntaxErrors);
        var problems = new List<ConfigError>();
        var resolved = HoconSubstitutions.Resolve(text, outline, environment, problems, out var original);
        if (problems.Count > 0) return new Parsed(outline, null, problems);
        int LineAt(int position) => text.AsSpan(0, original(position)).Count('\n') + 1;
        return TryParse(resolved, ConfigLimits.ParseTimeout, ConfigurationFactory.ParseString, out var hocon, LineAt) is { } error
            ? new Parsed(outline, null, [error])
            : new Parsed(outline, hocon, []);
    }

    /// <summary>
    /// Runs <paramref name="parse"/> (Akka's parser) on a background thread of its own and waits at
    /// most <paramref name="timeout"/>. A .NET thread cannot be aborted: a parse past its deadline
    /// keeps running (and its memory) until the process ends, so this is only the backstop behind
    /// the outline's checks. Returns a syntax error (with the line when the parser gives a position) or null.
    /// </summary>
    /// <param name="lineAt">The line of a position in <paramref name="text"/>; null = count its line breaks.</param>
    internal static ConfigError? TryParse(string text, TimeSpan timeout, Func<string, Config> parse, out Config? config, Func<int, int>? lineAt = null)
    {
        Config? parsed = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                parsed = parse(text);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = "flowbalance-hocon-parse" };
        thread.Start();
        config = null;
        if (!thread.Join(timeout))
        {
            return new ConfigError(null, null, $"the HOCON parser did not finish within {DurationText.Format(timeout)}; the text is refused");
        }
        if (failure is null)
        {
            config = parsed;
            return null;
        }
        var message = failure.Message.Split('\n')[0].Trim();
        var position = PositionPattern().Match(message);
        int? line = position.Success && int.TryParse(position.Groups[1].Value, out var at)
            ? lineAt?.Invoke(Math.Min(at, text.Length)) ?? text.AsSpan(0, Math.Min(at, text.Length)).Count('\n') + 1
            : null;
        return new ConfigError(null, line, $"HOCON syntax error: {message}");
    }

    private static Parsed Failed(ConfigError error) => new(null, null, [error]);

    [GeneratedRegex(@"position (\d+)")]
    private static partial Regex PositionPattern();
}
