using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The stream of one plain-HTTP connection to a backend, so that every attempt is FlowBalance's own.
/// SocketsHttpHandler re-sends a request by itself (up to three times, to the same backend, unseen
/// by the gate) when a reused connection reaches end-of-stream before any byte of the response:
/// exactly what a backend that reads the request and then exits gracefully looks like. This stream
/// turns that end-of-stream into an I/O error, which the handler never retries, so the attempt fails
/// visibly: counted against the backend and re-sent elsewhere by the proxy's own loop, if at all.
/// An end-of-stream before any request byte was written (an idle connection the backend closed) is
/// left alone: the handler's retry is harmless there, the backend saw nothing.
/// One bool per connection; no allocation per request on the synchronous path.
/// </summary>
public sealed class OwnedAttemptStream(Stream inner) : Stream
{
    private volatile bool _awaitingResponse;
    private bool _upgraded; // after "101 Switching Protocols" the connection is an opaque tunnel

    /// <summary>The ConnectCallback for plain-HTTP backends (TLS connections are left as the handler makes them).</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var stream = new NetworkStream(socket, ownsSocket: true);
        return context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttp ? new OwnedAttemptStream(stream) : stream;
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully) return Completing(read, buffer);
        try
        {
            return new ValueTask<int>(Observe(read.Result, buffer.Span));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => Observe(inner.Read(buffer), buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Wrote(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Wrote(buffer.Length);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Wrote(int length)
    {
        if (length > 0 && !_upgraded) _awaitingResponse = true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> Completing(ValueTask<int> read, Memory<byte> buffer) => Observe(await read, buffer.Span);

    private int Observe(int read, ReadOnlySpan<byte> buffer)
    {
        if (read > 0)
        {
            if (_awaitingResponse)
            {
                _awaitingResponse = false;
                if (read >= 12 && buffer.StartsWith("HTTP/1."u8) && buffer.Slice(9, 3).SequenceEqual("101"u8)) _upgraded = true;
            }
            return read;
        }
        // A zero-byte read is the handler's liveness check, not the end of a response.
        if (buffer.Length > 0 && _awaitingResponse)
        {
            _awaitingResponse = false;
            throw new HttpIOException(HttpRequestError.ResponseEnded, "the backend closed the connection after receiving the request, before any response byte");
        }
        return read;
    }
}
