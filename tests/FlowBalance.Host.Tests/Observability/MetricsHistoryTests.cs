using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The metrics history's ring and its deltas, sampled by hand over routing tables built from config text.</summary>
public sealed class MetricsHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 7, 0, 0, TimeSpan.Zero);

    private const string TwoServices = """
        flowbalance.services = [
          { hostname = "api.test", backends = ["http://a.test", "http://b.test"] }
          { hostname = "files.test", backends = ["http://c.test"] }
        ]
        """;

    [Fact]
    public void The_ring_keeps_the_newest_points_oldest_first()
    {
        var ring = new HistoryRing(3);
        Assert.Empty(ring.ToArray());
        for (var i = 1; i <= 5; i++) ring.Add(new HistoryPoint(T0.AddSeconds(i), i, 0, i == 5 ? null : i * 10, null));
        var points = ring.ToArray();
        Assert.Equal([3.0, 4.0, 5.0], points.Select(p => p.Rps));
        Assert.Equal([T0.AddSeconds(3), T0.AddSeconds(4), T0.AddSeconds(5)], points.Select(p => p.Time));
        Assert.Equal([30.0, 40.0, null], points.Select(p => p.P50Ms));
        Assert.All(points, p => Assert.Null(p.P99Ms));
        Assert.Equal(3, ring.Count);
    }

    [Fact]
    public void A_step_gives_rates_from_counter_deltas_and_percentiles_from_its_own_buckets()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(10));
        var table = Table(TwoServices);
        var (a, b) = (table.Services[0].Backends[0], table.Services[0].Backends[1]);
        Answer(a, 5, milliseconds: 300); // before the baseline: never in a point
        history.Sample(table, T0, TimeSpan.FromSeconds(10));
        Assert.Empty(history.Service("api.test"));
        Assert.Empty(history.Backend("api.test", a.Definition.Id));

        Answer(a, 18, milliseconds: 3);
        Answer(a, 2, milliseconds: 3, status: 503);
        history.Sample(table, T0.AddSeconds(10), TimeSpan.FromSeconds(20));

        var point = Assert.Single(history.Backend("api.test", a.Definition.Id));
        Assert.Equal(T0.AddSeconds(10), point.Time);
        Assert.Equal(2.0, point.Rps);
        Assert.Equal(0.2, point.ErrorsPerSecond, 6);
        Assert.InRange(point.P50Ms!.Value, 2, 5); // the 2-5 ms bucket; the 300 ms answers belong to an earlier step
        Assert.InRange(point.P99Ms!.Value, 2, 5);
        var idle = Assert.Single(history.Backend("api.test", b.Definition.Id));
        Assert.Equal((0.0, 0.0, null, null), (idle.Rps, idle.ErrorsPerSecond, idle.P50Ms, idle.P99Ms));
        Assert.Single(history.Service("files.test"));
    }

    [Fact]
    public void A_service_merges_its_backends_buckets_rather_than_averaging_their_percentiles()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(10));
        var table = Table(TwoServices);
        var (a, b) = (table.Services[0].Backends[0], table.Services[0].Backends[1]);
        history.Sample(table, T0, TimeSpan.FromSeconds(10));
        Answer(a, 99, milliseconds: 0.5);
        Answer(b, 1, milliseconds: 800);
        history.Sample(table, T0.AddSeconds(10), TimeSpan.FromSeconds(20));

        Assert.InRange(Assert.Single(history.Backend("api.test", b.Definition.Id)).P99Ms!.Value, 500, 1000);
        var service = Assert.Single(history.Service("api.test"));
        Assert.Equal(10.0, service.Rps);
        Assert.Equal(0, service.ErrorsPerSecond);
        // 99 of the 100 answers took under 1 ms: so did the 99th percentile (the mean of the two p99s would be ~500 ms).
        Assert.InRange(service.P99Ms!.Value, 0, 1);
        Assert.InRange(service.P50Ms!.Value, 0, 1);
    }

    [Fact]
    public void Rates_are_per_second_of_the_time_measured_between_samples()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(10));
        var table = Table(TwoServices);
        var c = table.Services[1].Backends[0];
        history.Sample(table, T0, TimeSpan.FromSeconds(10));
        Answer(c, 30, milliseconds: 1);
        history.Sample(table, T0.AddSeconds(20), TimeSpan.FromSeconds(30)); // a late tick: 20 s since the last one
        Assert.Equal(1.5, Assert.Single(history.Backend("files.test", c.Definition.Id)).Rps);
        history.Sample(table, T0.AddSeconds(20), TimeSpan.FromSeconds(30)); // no time passed: no point, no division by zero
        Assert.Single(history.Backend("files.test", c.Definition.Id));
    }

    [Fact]
    public void New_counters_for_a_backend_start_a_fresh_baseline_instead_of_a_negative_or_inflated_rate()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(10));
        var before = Table(TwoServices);
        var (a, b) = (before.Services[0].Backends[0], before.Services[0].Backends[1]);
        Answer(a, 50, milliseconds: 1);
        history.Sample(before, T0, TimeSpan.FromSeconds(10));
        Answer(a, 10, milliseconds: 1);
        history.Sample(before, T0.AddSeconds(10), TimeSpan.FromSeconds(20));

        // The same backend ids on new slots (a reload that could not keep them): a's counters went down, b's went up.
        var after = Table(TwoServices);
        var (a2, b2) = (after.Services[0].Backends[0], after.Services[0].Backends[1]);
        Answer(a2, 3, milliseconds: 1);
        Answer(b2, 7, milliseconds: 1);
        history.Sample(after, T0.AddSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Single(history.Backend("api.test", a.Definition.Id)); // still only the step before the reload
        Assert.Single(history.Backend("api.test", b.Definition.Id));
        Assert.Equal(0, history.Service("api.test")[^1].Rps); // neither backend had a step to add

        Answer(a2, 20, milliseconds: 1);
        history.Sample(after, T0.AddSeconds(30), TimeSpan.FromSeconds(40));
        Assert.Equal([1.0, 2.0], history.Backend("api.test", a.Definition.Id).Select(p => p.Rps));
        Assert.Equal([0.0, 0.0], history.Backend("api.test", b.Definition.Id).Select(p => p.Rps)); // b2's first 7 are its baseline
        Assert.Equal([1.0, 0.0, 2.0], history.Service("api.test").Select(p => p.Rps));
        Assert.All(history.Service("api.test"), p => Assert.True(p.Rps >= 0));
    }

    [Fact]
    public void Series_of_services_and_backends_a_reload_removed_are_dropped_at_the_next_sample()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(10));
        var table = Table(TwoServices);
        var b = table.Services[0].Backends[1];
        history.Sample(table, T0, TimeSpan.FromSeconds(10));
        history.Sample(table, T0.AddSeconds(10), TimeSpan.FromSeconds(20));
        Assert.Single(history.Service("files.test"));
        Assert.Single(history.Backend("api.test", b.Definition.Id));

        var reloaded = new ServiceSlot(Options("""flowbalance.services = [{ hostname = "api.test", backends = ["http://a.test"] }]""").Services[0], table.Services[0]);
        history.Sample(new RoutingTable([reloaded]), T0.AddSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Empty(history.Service("files.test"));
        Assert.Empty(history.Backend("files.test", table.Services[1].Backends[0].Definition.Id));
        Assert.Empty(history.Backend("api.test", b.Definition.Id));
        Assert.Equal(2, history.Service("api.test").Count); // a kept service keeps its history
        Assert.Equal(2, history.Backend("api.test", reloaded.Backends[0].Definition.Id).Count);
        Assert.Empty(history.Service("nothing.test"));
    }

    [Fact]
    public void Each_series_keeps_at_most_capacity_points()
    {
        var history = new MetricsHistory(TimeSpan.FromSeconds(1), capacity: 4);
        var table = Table(TwoServices);
        for (var i = 0; i <= 10; i++) history.Sample(table, T0.AddSeconds(i), TimeSpan.FromSeconds(i + 1));
        var points = history.Service("api.test");
        Assert.Equal(4, points.Count);
        Assert.Equal(T0.AddSeconds(7), points[0].Time);
        Assert.Equal(T0.AddSeconds(10), points[^1].Time);
        Assert.Equal(4, history.Capacity);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("250", 250)]
    [InlineData("99", null)]
    [InlineData("10001", null)]
    [InlineData("1s", null)]
    [InlineData("-500", null)]
    public void The_step_variable_takes_whole_milliseconds_from_100_to_10000(string? value, int? milliseconds)
    {
        Assert.Equal(milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, MetricsHistory.StepFrom(value));
        Assert.Equal((TimeSpan.FromSeconds(10), 360), (new MetricsHistory().Step, new MetricsHistory().Capacity));
    }

    /// <summary><paramref name="count"/> answered requests, as the proxy records them.</summary>
    private static void Answer(BackendSlot backend, int count, double milliseconds, int status = 200)
    {
        for (var i = 0; i < count; i++)
        {
            backend.Counters.RequestStarted();
            backend.Counters.RequestFinished(OutcomeKind.Response, status, (long)(milliseconds * TimeSpan.TicksPerMillisecond), failure: status >= 500);
        }
    }

    private static RoutingTable Table(string config) => new(Options(config).Services.Select(s => new ServiceSlot(s)));

    private static FlowBalanceOptions Options(string config)
    {
        var result = ConfigLoader.Parse(config, defaultBackends: null, environment: _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Options!;
    }
}
