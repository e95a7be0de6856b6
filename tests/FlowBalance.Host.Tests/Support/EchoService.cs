using FlowBalance.Host.Tests.Protos;
using Grpc.Core;

namespace FlowBalance.Host.Tests.Support;

/// <summary>The Echo service of one <see cref="GrpcBackend"/>; every reply names the backend and the protocol it saw.</summary>
public sealed class EchoService(string backend) : Echo.EchoBase
{
    private int _sleepsCompleted;
    private int _sleepsCancelled;

    public int SleepsCompleted => Volatile.Read(ref _sleepsCompleted);

    /// <summary>Sleeps whose server-side cancellation token fired (deadline passed, client cancelled, or the connection died).</summary>
    public int SleepsCancelled => Volatile.Read(ref _sleepsCancelled);

    public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request.Text, request.Number, 0, context));

    public override async Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            if (i > 0 && request.DelayMs > 0) await Task.Delay(request.DelayMs, context.CancellationToken);
            await responseStream.WriteAsync(Reply(request.Text, 0, i, context), context.CancellationToken);
        }
        if (request.FailCode != 0) throw new RpcException(new Status((StatusCode)request.FailCode, $"failed after {request.Count} messages"));
    }

    public override async Task<SumReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var reply = new SumReply { Backend = backend, Protocol = Protocol(context) };
        var texts = new List<string>();
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            reply.Sum += message.Number;
            reply.Count++;
            texts.Add(message.Text);
        }
        reply.Joined = string.Concat(texts);
        return reply;
    }

    public override async Task Bidi(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(Reply(message.Text, message.Number, index++, context), context.CancellationToken);
        }
    }

    public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context)
    {
        // A fresh Metadata: passing context.ResponseTrailers here makes gRPC fail with "Collection was modified".
        var trailers = new Metadata();
        if (request.TrailerKey.Length > 0) trailers.Add(request.TrailerKey, request.TrailerValue);
        throw new RpcException(new Status((StatusCode)request.Code, request.Detail), trailers);
    }

    public override async Task<EchoReply> Sleep(SleepRequest request, ServerCallContext context)
    {
        try
        {
            await Task.Delay(request.SleepMs, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _sleepsCancelled);
            throw;
        }
        Interlocked.Increment(ref _sleepsCompleted);
        return Reply("slept", request.SleepMs, 0, context);
    }

    private EchoReply Reply(string text, long number, int index, ServerCallContext context) =>
        new() { Text = text, Number = number, Index = index, Backend = backend, Protocol = Protocol(context) };

    private static string Protocol(ServerCallContext context) => context.GetHttpContext().Request.Protocol;
}
