using FlowBalance.Host.Plugins;

namespace FlowBalance.Host.Tests.Plugins;

/// <summary>The compatibility rule: same major, and a minor no newer than the host's.</summary>
public sealed class ContractCheckTests
{
    [Theory]
    [InlineData("1.0.0.0", "1.0.0.0")]
    [InlineData("1.0.0.0", "1.3.0.0")] // built against an older minor: additive changes only, still loads
    [InlineData("1.3.0.0", "1.3.0.0")]
    public void Same_major_and_an_older_or_equal_minor_is_compatible(string required, string provided) =>
        Assert.Null(ContractCheck.Problem(Version.Parse(required), Version.Parse(provided)));

    [Theory]
    [InlineData("1.4.0.0", "1.3.0.0", "it needs plugin contract 1.4 or newer, and this FlowBalance provides 1.3: upgrade FlowBalance or build the plugin against 1.3")]
    [InlineData("2.0.0.0", "1.3.0.0", "it was built against plugin contract 2.0, and this FlowBalance provides 1.3: rebuild it against FlowBalance.Plugins.Abstractions 1.x")]
    [InlineData("0.9.0.0", "1.0.0.0", "it was built against plugin contract 0.9, and this FlowBalance provides 1.0: rebuild it against FlowBalance.Plugins.Abstractions 1.x")]
    public void Another_major_or_a_newer_minor_is_refused_saying_which_version_is_needed(string required, string provided, string expected) =>
        Assert.Equal(expected, ContractCheck.Problem(Version.Parse(required), Version.Parse(provided)));

    [Fact]
    public void The_host_reads_the_contract_version_a_plugin_was_built_against_from_its_metadata()
    {
        var tagger = Path.Combine(PluginsFolderPath("Tagger"), "FlowBalance.Tests.Plugins.Tagger.dll");
        var future = Path.Combine(PluginsFolderPath("FutureContract"), "FlowBalance.Tests.Plugins.FutureContract.dll");

        Assert.Equal(new Version(1, 0, 0, 0), ContractCheck.ReferencedContract(tagger));
        Assert.Equal(new Version(2, 0, 0, 0), ContractCheck.ReferencedContract(future));
        Assert.Null(ContractCheck.ReferencedContract(typeof(ContractCheckTests).Assembly.Location));
    }

    private static string PluginsFolderPath(string project) => Support.PluginsFolder.TestPluginOutput(project);
}
