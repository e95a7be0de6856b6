using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Tests.Plugins.FutureContract;

/// <summary>Test plugin compiled against plugin contract 2.0.</summary>
public sealed class FutureContractPlugin : IFlowBalancePlugin
{
    public string DisplayName => "Future contract (test)";

    public IPluginMiddleware Create(IPluginContext context) => throw new InvalidOperationException("must never be created by a 1.x host");
}
