namespace FlowBalance.Host.Proxy;

/// <summary>
/// A request body without a length, cut at <c>max_request_body_size</c> counted in body bytes. Kestrel's own
/// per-request limit counts a chunked body's framing too (each chunk's size line and CRLFs: a 988-byte body
/// in one chunk was the most a 1000-byte limit let through), so it is not used. The read past the limit
/// fails as Kestrel's does, with a 413 BadHttpRequestException, which the forwarder answers with its status.
/// </summary>
internal sealed class LimitedRequestBody(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    private int Count(int read)
    {
        _read += read;
        if (_read > limit) throw new BadHttpRequestException($"the request body is larger than max_request_body_size ({limit} bytes)", StatusCodes.Status413PayloadTooLarge);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
