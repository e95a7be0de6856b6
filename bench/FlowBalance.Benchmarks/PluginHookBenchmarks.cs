using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using FlowBalance.Host.Plugins;
using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowBalance.Benchmarks;

/// <summary>
/// What plugins cost a request: with none, one chain lookup (must allocate nothing); with one
/// trivial plugin (the Headers sample, loaded from plugins/Headers like the host does, setting one
/// response header), every hook a proxied request runs.
/// </summary>
[MemoryDiagnoser]
public class PluginHookBenchmarks
{
    private static readonly Uri BackendUrl = new("http://127.0.0.1:9101/");

    private PluginSet _none = null!;
    private PluginSet _one = null!;
    private LoadedPlugin _loaded = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = ConfigLoader.Parse("""flowbalance { demo_backends = 1, plugins.Headers { response { set { X-Bench = "1" } } } }""", null).Options!;
        var pluginOptions = options.PluginFor("Headers");
        var folder = PluginFolder.Scan(Path.Combine(RepositoryRoot(), "plugins")).Single(f => f.Name == "Headers");
        _loaded = LoadedPlugin.Load(folder);
        var context = new PluginContext("Headers", new PluginSettings(pluginOptions.Settings), NullLogger.Instance, new RoutingView(new RoutingTableStore()));
        var plugin = new ActivePlugin(_loaded, pluginOptions, _loaded.Entry.Create(context), new FailureLog("Headers", NullLogger.Instance, TimeSpan.FromSeconds(10)));
        _none = new PluginSet([]);
        _one = new PluginSet([plugin]);
        _context = new DefaultHttpContext();
    }

    [GlobalCleanup]
    public void Cleanup() => _loaded.Dispose();

    [Benchmark(Baseline = true)]
    public int NoPlugins() => _none.For("api").Length;

    [Benchmark]
    public async ValueTask<bool> OneTrivialPlugin_AllHooks()
    {
        var chain = _one.For("api");
        var handled = await PluginHooks.RequestAsync(_context, chain, "api");
        var decision = new RoutingDecision("api", "127.0.0.1-9101", BackendUrl, 1);
        PluginHooks.Routed(_context, chain, decision);
        await PluginHooks.ResponseAsync(_context, chain, decision);
        PluginHooks.Completed(_context, chain, new RequestOutcome("api", decision.BackendId, 200, 1, TimeSpan.FromMilliseconds(1), null));
        return handled;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowBalance.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("FlowBalance.sln not found above " + AppContext.BaseDirectory);
    }
}
