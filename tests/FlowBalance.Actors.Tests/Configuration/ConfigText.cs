using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Helpers to load a config text and fail the test with every error when it does not load.</summary>
internal static class ConfigText
{
    /// <param name="environment">The environment variables <c>${NAME}</c> sees (none when null).</param>
    public static FlowBalanceOptions Load(string text, string? defaultBackends = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = ConfigLoader.Parse(text, defaultBackends, environment: Lookup(environment));
        Assert.True(result.Succeeded, "config did not load:\n" + string.Join("\n", result.Errors));
        return result.Options!;
    }

    public static IReadOnlyList<string> Errors(string text, string? defaultBackends = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = ConfigLoader.Parse(text, defaultBackends, environment: Lookup(environment));
        Assert.False(result.Succeeded, "config was expected to fail but loaded");
        return [.. result.Errors.Select(e => e.ToString())];
    }

    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string>? environment) =>
        name => environment is not null && environment.TryGetValue(name, out var value) ? value : null;
}
