using System.Collections.Immutable;
using System.Threading.Channels;

namespace FlowBalance.Host.Observability;

/// <summary>
/// Fans items out to live subscribers (server-sent-event clients). Each subscriber has a bounded
/// queue: a reader that falls behind loses its oldest items, the publisher never waits.
/// </summary>
public sealed class LiveFeed<T>
{
    private const int QueueLength = 1000;

    private ImmutableArray<Channel<T>> _subscribers = [];

    public int Subscribers => _subscribers.Length;

    public void Publish(T item)
    {
        foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(item);
    }

    /// <summary>A live subscription; dispose to leave.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(channel));
        return new Subscription(this, channel);
    }

    public sealed class Subscription(LiveFeed<T> feed, Channel<T> channel) : IDisposable
    {
        public ChannelReader<T> Reader => channel.Reader;

        public void Dispose() => ImmutableInterlocked.Update(ref feed._subscribers, list => list.Remove(channel));
    }
}
