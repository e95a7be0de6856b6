using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>Helpers to load a config text and fail the test with every error when it does not load.</summary>
internal static class ConfigText
{
    public static FlowBalanceOptions Load(string text, string? defaultBackends = null)
    {
        var result = ConfigLoader.Parse(text, defaultBackends);
        Assert.True(result.Succeeded, "config did not load:\n" + string.Join("\n", result.Errors));
        return result.Options!;
    }

    public static IReadOnlyList<string> Errors(string text, string? defaultBackends = null)
    {
        var result = ConfigLoader.Parse(text, defaultBackends);
        Assert.False(result.Succeeded, "config was expected to fail but loaded");
        return [.. result.Errors.Select(e => e.ToString())];
    }
}
