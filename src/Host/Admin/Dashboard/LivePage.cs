using FlowBalance.Actors.Events;
using FlowBalance.Host.Observability;
using Microsoft.AspNetCore.Components;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>
/// A dashboard page that re-reads published state every second and re-renders (Blazor sends only what
/// changed over the circuit). It reads snapshots and rings; nothing on the request path knows it exists.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    protected virtual TimeSpan Interval => TimeSpan.FromSeconds(1);

    /// <summary>When false the page does not refresh (a paused tail, an open editor).</summary>
    protected virtual bool Live => true;

    /// <summary>Also re-render at once on each event (a backend down, a breaker open), not only on the next tick.</summary>
    protected virtual bool OnEvents => true;

    [Inject] private IHostApplicationLifetime Lifetime { get; set; } = null!;

    [Inject] private LiveFeed<FlowEvent> Events { get; set; } = null!;

    protected override void OnInitialized()
    {
        Refresh();
        if (!RendererInfo.IsInteractive) return;
        _ = Tick();
        if (OnEvents) _ = Follow();
    }

    /// <summary>Called for each event before the re-render it causes.</summary>
    protected virtual void Observe(FlowEvent flowEvent)
    {
    }

    private async Task Follow()
    {
        using var subscription = Events.Subscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, Lifetime.ApplicationStopping);
        try
        {
            while (await subscription.Reader.WaitToReadAsync(stop.Token))
            {
                // A burst of events is one re-render.
                var events = new List<FlowEvent>();
                while (subscription.Reader.TryRead(out var item)) events.Add(item);
                await InvokeAsync(() =>
                {
                    foreach (var item in events) Observe(item);
                    Refresh();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed or the host stops
        }
    }

    /// <summary>Reads what the page shows; called before the first render and then every <see cref="Interval"/>.</summary>
    protected abstract void Refresh();

    private async Task Tick()
    {
        // The host stopping ends the loop at once: an open dashboard never holds shutdown.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, Lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (!Live) continue;
                await InvokeAsync(() =>
                {
                    Refresh();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed or the host stops
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
