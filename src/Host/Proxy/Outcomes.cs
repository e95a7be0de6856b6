using FlowBalance.Actors.State;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>Maps YARP's forwarding result to what it says about the backend.</summary>
public static class Outcomes
{
    public static OutcomeKind Classify(ForwarderError error) => error switch
    {
        ForwarderError.None or ForwarderError.UpgradeActivityTimeout => OutcomeKind.Response,
        ForwarderError.RequestTimedOut => OutcomeKind.Timeout,
        // The client cancelled or broke its side: never held against the backend.
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => OutcomeKind.ClientAborted,
        _ => OutcomeKind.ConnectionError,
    };
}
