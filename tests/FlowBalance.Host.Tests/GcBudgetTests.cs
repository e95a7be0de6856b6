using System.Text.Json;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>The GC's gen0 budget: shipped in the launch profile, reported in the banner.</summary>
public sealed class GcBudgetTests
{
    [Theory]
    [InlineData("0x400000", 4L * 1024 * 1024)]
    [InlineData("400000", 4L * 1024 * 1024)] // the runtime reads GC values as hexadecimal without 0x too
    [InlineData(" 0X200000 ", 2L * 1024 * 1024)]
    [InlineData("4MB", null)]
    [InlineData("0", null)]
    [InlineData("", null)]
    public void The_value_is_read_as_the_runtime_reads_it(string value, long? bytes) => Assert.Equal(bytes, GcBudget.Bytes(value));

    [Fact]
    public void The_banner_line_says_what_the_budget_is_and_how_to_bound_it()
    {
        Assert.Equal("memory: GC gen0 budget 4 MiB (DOTNET_GCgen0size)", GcBudget.Describe(n => n == "DOTNET_GCgen0size" ? "0x400000" : null));
        Assert.Equal("memory: GC gen0 budget 2 MiB (COMPlus_GCgen0size)", GcBudget.Describe(n => n == "COMPlus_GCgen0size" ? "200000" : null));
        Assert.Contains("DOTNET_GCgen0size=0x400000 keeps it at 4 MiB", GcBudget.Describe(_ => null));
        Assert.Contains("is not a hexadecimal byte count", GcBudget.Describe(_ => "4MB"));
    }

    [Fact]
    public void The_launch_profile_that_dotnet_run_uses_sets_the_recommended_budget()
    {
        var path = Path.Combine(HostBinary.RepositoryRoot, "src", "Host", "Properties", "launchSettings.json");
        using var settings = JsonDocument.Parse(File.ReadAllText(path));
        var profiles = settings.RootElement.GetProperty("profiles").EnumerateObject().ToList();

        var first = Assert.Single(profiles).Value; // dotnet run takes the first profile
        Assert.Equal("Project", first.GetProperty("commandName").GetString());
        Assert.Equal(GcBudget.Recommended, first.GetProperty("environmentVariables").GetProperty(GcBudget.Variable).GetString());
    }

    [Fact]
    public async Task The_running_balancer_reports_the_budget_it_was_started_with()
    {
        var backend = await TestBackend.StartAsync("a");
        await using (backend)
        {
            await using var balancer = await BalancerProcess.StartAsync(
                $$"""flowbalance { backends = ["{{backend.Url}}"] }""",
                new Dictionary<string, string> { [GcBudget.Variable] = GcBudget.Recommended });
            await Eventually.True(() => balancer.Output.Contains("memory: GC gen0 budget 4 MiB (DOTNET_GCgen0size)"), "the banner names the budget");
        }
    }
}
