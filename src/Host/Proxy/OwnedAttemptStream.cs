using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

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
/// No allocation per read: a pending read completes through this stream's own reusable
/// <see cref="IValueTaskSource{TResult}"/> (a connection has one read outstanding at a time).
/// </summary>
public sealed class OwnedAttemptStream : Stream, IValueTaskSource<int>
{
    private readonly Stream _inner;
    private readonly Action _readCompleted;
    private ManualResetValueTaskSourceCore<int> _read;
    private ValueTaskAwaiter<int> _pending;
    private Memory<byte> _pendingBuffer;
    private volatile bool _awaitingResponse;
    private bool _upgraded; // after "101 Switching Protocols" the connection is an opaque tunnel

    public OwnedAttemptStream(Stream inner)
    {
        _inner = inner;
        _readCompleted = ReadCompleted;
    }

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
        // HTTP/1.1 only: an h2c connection carries many requests at once, so "closed before the response" is not one attempt's.
        var request = context.InitialRequestMessage;
        return request.RequestUri?.Scheme == Uri.UriSchemeHttp && request.Version.Major < 2 ? new OwnedAttemptStream(stream) : stream;
    }

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            _pendingBuffer = buffer;
            _pending = read.GetAwaiter();
            _read.Reset();
            _pending.UnsafeOnCompleted(_readCompleted);
            return new ValueTask<int>(this, _read.Version);
        }
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

    public override int Read(Span<byte> buffer) => Observe(_inner.Read(buffer), buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Wrote(buffer.Length);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Wrote(buffer.Length);
        _inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>
    /// A write arms the check until the first response byte. Known limit: a backend that answers early
    /// (before the request body is sent), with a response delimited by closing the connection, while
    /// the body is still being written, would see that close reported as this failure.
    /// </summary>
    private void Wrote(int length)
    {
        if (length > 0 && !_upgraded) _awaitingResponse = true;
    }

    private void ReadCompleted()
    {
        var pending = _pending;
        var buffer = _pendingBuffer;
        _pending = default;
        _pendingBuffer = default;
        int read;
        try
        {
            read = Observe(pending.GetResult(), buffer.Span);
        }
        catch (Exception e)
        {
            _read.SetException(e);
            return;
        }
        _read.SetResult(read);
    }

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

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
            throw new BackendClosedException();
        }
        return read;
    }
}

/// <summary>The backend closed the connection after the request was written, before any response byte: it is gone, not misbehaving.</summary>
public sealed class BackendClosedException() : HttpIOException(HttpRequestError.ResponseEnded, "the backend closed the connection after receiving the request, before any response byte");
