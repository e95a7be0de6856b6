using System.Threading.Channels;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>One webhook: its queue, its worker (one delivery at a time, in order) and its flap windows.</summary>
internal sealed class WebhookEndpoint : IDisposable
{
    private readonly WebhookDispatcher _dispatcher;
    private readonly Channel<WebhookDelivery> _queue = Channel.CreateBounded<WebhookDelivery>(new BoundedChannelOptions(WebhookDispatcher.QueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the delivery is dropped and counted
    });
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Task _worker;

    public WebhookEndpoint(WebhookDispatcher dispatcher, WebhookOptions options)
    {
        _dispatcher = dispatcher;
        Options = options;
        _worker = Task.Run(RunAsync);
    }

    public WebhookOptions Options { get; }

    /// <summary>
    /// From the event hub: the first change of a backend goes out now; more within the window wait for its end.
    /// A backend's first verdict (from <c>unknown</c>, at startup or when it is added) is no flap and opens no
    /// window: a backend that fails seconds after it was first found healthy is reported at once, not 30 s later.
    /// </summary>
    public void Offer(FlowEvent change)
    {
        var key = change.Service is null || change.From == "unknown" ? null : $"{change.Service}/{change.Backend}";
        if (key is null)
        {
            Enqueue(change, 0);
            return;
        }
        lock (_windows)
        {
            if (_windows.TryGetValue(key, out var open))
            {
                open.Latest = change;
                open.Held++;
                return;
            }
            Open(key);
        }
        Enqueue(change, 0);
    }

    private void Open(string key)
    {
        var window = new Window();
        window.Timer = new Timer(_ => Close(key, window), null, WebhookDispatcher.CoalesceWindow, Timeout.InfiniteTimeSpan);
        _windows[key] = window;
    }

    /// <summary>The window ended: the latest held change goes out once, and opens the next window.</summary>
    private void Close(string key, Window window)
    {
        FlowEvent? latest;
        int held;
        lock (_windows)
        {
            window.Timer?.Dispose();
            _windows.Remove(key);
            (latest, held) = (window.Latest, window.Held);
            if (latest is not null) Open(key);
        }
        if (latest is not null) Enqueue(latest, held);
    }

    private void Enqueue(FlowEvent change, int coalesced)
    {
        var delivery = new WebhookDelivery($"msg_{Guid.NewGuid():N}", Options.Id, change.Type, WebhookBody.For(Options, change, coalesced), coalesced);
        _dispatcher.Track(delivery);
        if (_queue.Writer.TryWrite(delivery)) return;
        delivery.State = "dropped";
        _dispatcher.Count(Options.Id, "dropped");
        _dispatcher.Dropped(Options, change.Type);
    }

    private async Task RunAsync()
    {
        var random = new Random();
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(_dispatcher.Stopping))
            {
                for (var attempt = 1; ; attempt++)
                {
                    var (result, retryAfter) = await _dispatcher.SendAsync(Options, delivery);
                    delivery.Add(result);
                    if (result.Status is >= 200 and < 300)
                    {
                        delivery.State = "delivered";
                        delivery.NextAttempt = null;
                        _dispatcher.Count(Options.Id, "delivered");
                        break;
                    }
                    var wait = RetrySchedule.After(attempt, retryAfter, random);
                    _dispatcher.Failed(Options, delivery, result, wait);
                    if (wait is not { } delay)
                    {
                        delivery.State = "failed";
                        delivery.NextAttempt = null;
                        _dispatcher.Count(Options.Id, "failed");
                        break;
                    }
                    _dispatcher.Count(Options.Id, "retry");
                    delivery.NextAttempt = DateTimeOffset.UtcNow + delay;
                    await Task.Delay(delay, _dispatcher.Stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        lock (_windows)
        {
            foreach (var window in _windows.Values) window.Timer?.Dispose();
            _windows.Clear();
        }
    }

    private sealed class Window
    {
        public Timer? Timer;
        public FlowEvent? Latest;
        public int Held;
    }
}
