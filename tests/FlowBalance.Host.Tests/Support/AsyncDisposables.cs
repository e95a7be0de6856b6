namespace FlowBalance.Host.Tests.Support;

/// <summary>Disposes several test backends at the end of a test: <c>await using var _ = new AsyncDisposables(backends);</c></summary>
public sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var item in items) await item.DisposeAsync();
    }
}
