using Akka.Actor;
using System.Collections.Concurrent;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.Events;

/// <summary>Every state change of a service's life is one typed event with the contract's fields.</summary>
public sealed class StateChangeEventTests : Akka.TestKit.Xunit2.TestKit
{
    private const string A = "http://127.0.0.1:9001/", B = "http://127.0.0.1:9002/";

    /// <summary>Backend a has /health; b has no health endpoint (TCP only). Each can be turned off.</summary>
    private sealed class SwitchedProber : IHealthProber
    {
        public readonly ConcurrentDictionary<string, bool> Up = new() { [A] = true, [B] = true };

        public Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var up = Up[backend.ToString()];
            var resolved = target.Mode != ProbeMode.Discover ? target : backend.ToString() == A ? ProbeTarget.ForPath("/health") : ProbeTarget.Tcp;
            var detail = resolved.Mode == ProbeMode.Path ? $"/health answered {(up ? 200 : 503)}" : up ? "TCP connect succeeded" : "TCP connect refused";
            return Task.FromResult(new ProbeResult(up, resolved, detail));
        }
    }

    private static FlowBalanceOptions Config(params string[] urls) => ConfigText.Load($$"""
        flowbalance {
          hostname = "api.test"
          backends = [{{string.Join(", ", urls.Select(u => $"\"{u}\""))}}]
          activeHealthChecks { interval = 100ms, consecutive_up = 1, consecutive_down = 1 }
          slow_start_ms = 300
          panic_threshold = 60
        }
        """);

    [Fact]
    public async Task A_service_lifetime_announces_each_change_once_with_its_fields()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(FlowEvent));
        var prober = new SwitchedProber();
        var config = Sys.ActorOf(ConfigActor.Props(new RoutingTableStore(), Config(A, B), prober, TimeSpan.FromMinutes(1)), ActorNames.Config);

        var startup = Next<ConfigChangeApplied>(events);
        Assert.Equal(("startup", new ConfigSummary(1, 0, 0, 2, 0, 0)), (startup.Reason, startup.Summary));
        Assert.Equal(EventTypes.ConfigApplied, startup.Type);
        Assert.Equal(Environment.MachineName, startup.Node);

        var discovered = Next<HealthPathResolved>(events, e => e.Url == A);
        Assert.Equal((EventTypes.HealthPathDiscovered, "/health", "api.test"), (discovered.Type, discovered.To, discovered.Service));
        Assert.NotNull(discovered.Backend);
        var missing = Next<HealthPathResolved>(events, e => e.Url == B);
        Assert.Equal((EventTypes.HealthPathMissing, "tcp"), (missing.Type, missing.To));
        Assert.Contains("/health, /healthz, /status", missing.Reason);
        var up = Next<BackendHealthChanged>(events, e => e.Url == A);
        Assert.Equal((EventTypes.BackendUp, "unknown", "healthy", "/health answered 200"), (up.Type, up.From, up.To, up.Reason));
        Assert.Equal($"backend api.test/{up.Backend} {A} healthy: /health answered 200 (was unknown)", up.Describe());

        prober.Up[A] = false; // 1 of 2 routable: under the 60% panic threshold
        var down = Next<BackendHealthChanged>(events, e => e.Url == A);
        Assert.Equal((EventTypes.BackendDown, "healthy", "unhealthy", EventSeverity.Warning), (down.Type, down.From, down.To, down.Severity));
        var panic = Next<PanicChanged>(events);
        Assert.Equal((EventTypes.PanicEntered, 1, 2), (panic.Type, panic.Routable, panic.Total));

        prober.Up[B] = false;
        var allDown = Next<ServiceAvailabilityChanged>(events);
        Assert.Equal((EventTypes.ServiceAllDown, "available", "all_down", EventSeverity.Error), (allDown.Type, allDown.From, allDown.To, allDown.Severity));

        prober.Up[A] = true;
        Assert.Equal(EventTypes.ServiceRecovered, Next<ServiceAvailabilityChanged>(events).Type);
        var ramp = Next<SlowStartChanged>(events, e => e.Url == A);
        Assert.Equal((EventTypes.SlowStartStarted, TimeSpan.FromMilliseconds(300)), (ramp.Type, ramp.Duration));
        prober.Up[B] = true;
        Assert.Equal(EventTypes.PanicLeft, Next<PanicChanged>(events).Type);
        Assert.Equal(EventTypes.SlowStartFinished, Next<SlowStartChanged>(events, e => e.Url == A && !e.Started).Type);

        var reload = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config(A), "SIGHUP"), RemainingOrDefault);
        Assert.Equal(new ConfigSummary(0, 0, 1, 0, 1, 0), reload.Summary);
        var drain = Next<DrainChanged>(events, e => e.Url == B);
        Assert.Equal((EventTypes.DrainStarted, "removed from the configuration"), (drain.Type, drain.Reason));
        Assert.Equal(EventTypes.DrainFinished, Next<DrainChanged>(events, e => e.Url == B).Type);
        var applied = Next<ConfigChangeApplied>(events);
        Assert.Equal(("SIGHUP", reload.Summary), (applied.Reason, applied.Summary));
        Assert.Contains("services +0 -0 ~1, backends +0 -1 ~0", applied.Describe());
    }

    private readonly List<FlowEvent> _unclaimed = [];

    /// <summary>The first event of type T (that matches) not claimed yet, in publishing order; waits up to 5 s for it.</summary>
    private T Next<T>(Akka.TestKit.TestProbe events, Func<T, bool>? match = null) where T : FlowEvent
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            if (_unclaimed.OfType<T>().FirstOrDefault(e => match is null || match(e)) is { } found)
            {
                _unclaimed.Remove(found);
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no {typeof(T).Name} within 5 s; unclaimed: {string.Join(", ", _unclaimed.Select(e => e.Type))}");
            _unclaimed.Add(events.ExpectMsg<FlowEvent>(left));
        }
    }
}
