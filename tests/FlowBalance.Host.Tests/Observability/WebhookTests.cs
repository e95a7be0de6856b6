using System.Diagnostics;
using System.Text.Json;
using FlowBalance.Host.Observability.Webhooks;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>Webhooks to a real receiver on loopback: signed, retried with the same id, never in the way of traffic.</summary>
public sealed class WebhookTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void Signatures_follow_standard_webhooks()
    {
        // The Standard Webhooks specification's own example.
        var body = """{"test": 2432232314}"""u8.ToArray();
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            WebhookSigner.Sign(WebhookSigner.Key(Secret), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body));
        Assert.Equal("plain"u8.ToArray(), WebhookSigner.Key("plain")); // any other string: its UTF-8 bytes
    }

    [Fact]
    public async Task A_backend_going_down_is_delivered_signed_and_retried_with_the_same_id_after_two_500s()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer(500, 500);
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}", "{{b.Url}}"]
              activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 }
              notifications.webhooks = [{ id = "ops", url = "{{receiver.Url}}/hook", events = ["backend.down"], secret = "{{Secret}}" }]
            }
            """);
        await Eventually.True(() => balancer.Output.Contains($"{b.Url}/ healthy:"), "both are probed");
        await b.KillAsync();

        await Eventually.True(() => receiver.Requests.Count >= 3, "two refused deliveries and a third that is taken", TimeSpan.FromSeconds(30));
        var received = receiver.Requests.ToArray();
        Assert.All(received, r => Assert.True(r.SignatureValid, $"signature {r.Signature} on {r.Body}"));
        Assert.Single(received.Select(r => r.Id).Distinct()); // the same webhook-id on every retry
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(0.7), "about 1 s before the first retry");
        Assert.True(received[2].At - received[1].At >= TimeSpan.FromSeconds(3.5), "about 5 s before the second");
        var body = JsonDocument.Parse(received[2].Body).RootElement;
        Assert.Equal(("backend.down", $"{b.Url}/", "healthy", "unhealthy"),
            (body.GetProperty("type").GetString(), body.GetProperty("url").GetString(), body.GetProperty("from").GetString(), body.GetProperty("to").GetString()));

        using var client = balancer.CreateClient();
        JsonElement delivery = default;
        await Eventually.True(async () =>
        {
            using var document = JsonDocument.Parse(await AdminApi.GetStringAsync(client, "/__lb_admin__/api/v1/webhooks/deliveries?webhook=ops"));
            delivery = document.RootElement.GetProperty("items")[0].Clone();
            return delivery.GetProperty("state").GetString() == "delivered";
        }, "the delivery is recorded as delivered");
        Assert.Equal(received[0].Id, delivery.GetProperty("id").GetString());
        Assert.Equal([500, 500, 200], delivery.GetProperty("attempts").EnumerateArray().Select(x => x.GetProperty("status").GetInt32()).ToArray());
        var metrics = await client.GetStringAsync("/__lb_admin__/metrics");
        Assert.Contains("flowbalance_webhook_deliveries_total{otel_scope_name=\"FlowBalance\",result=\"delivered\",webhook=\"ops\"} 1", metrics);
    }

    [Fact]
    public async Task A_dead_receiver_slows_neither_traffic_nor_a_live_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}", "{{b.Url}}"]
              activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 }
              notifications.webhooks = [
                { id = "dead", url = "http://127.0.0.1:{{Ports.Refusing()}}/hook" }
                { id = "live", url = "{{receiver.Url}}/hook", events = ["backend.down", "backend.up"], secret = "{{Secret}}" }
              ]
            }
            """);
        await Eventually.True(() => balancer.Output.Contains($"{b.Url}/ healthy:"), "both are probed");
        await b.KillAsync();
        await Eventually.True(() => receiver.Requests.Any(r => r.Body.Contains("\"backend.down\"")), "the live receiver gets backend.down at once");

        using var client = balancer.CreateClient();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++) Assert.Equal("a", await client.GetStringAsync("/"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"50 requests took {clock.Elapsed}");
        Assert.Contains("webhook dead (http://127.0.0.1:", balancer.Output);
    }

    [Fact]
    public async Task Flapping_goes_out_once_then_once_more_for_the_rest_of_the_window()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var a = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}"]
              activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 }
              notifications.webhooks = [{ id = "ops", url = "{{receiver.Url}}/hook", events = ["backend.down", "backend.up"], secret = "{{Secret}}" }]
            }
            """);
        await Eventually.True(() => receiver.Requests.Count == 1, "the first backend.up goes out at once");
        Assert.Equal("unknown", JsonDocument.Parse(receiver.Requests.Single().Body).RootElement.GetProperty("from").GetString());
        for (var flap = 0; flap < 2; flap++)
        {
            a.HealthStatus = 500;
            await Eventually.True(() => balancer.Output.Contains("/ unhealthy:") && balancer.Output.Occurrences("/ unhealthy:") == flap + 1, "down");
            a.HealthStatus = 200;
            await Eventually.True(() => balancer.Output.Occurrences("/ healthy:") == flap + 2, "up again");
        }
        // The first verdict (from unknown) opens no window; the first down does, and goes out at once; the three changes after it are held.
        Assert.Equal(["backend.up", "backend.down"], receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()));
        await Eventually.True(() => receiver.Requests.Count == 3, "one follow-up when the 30 s window ends", TimeSpan.FromSeconds(40));
        var followUp = JsonDocument.Parse(receiver.Requests.ToArray()[2].Body).RootElement;
        Assert.Equal(("backend.up", 3), (followUp.GetProperty("type").GetString(), followUp.GetProperty("coalesced").GetInt32()));
    }
}
