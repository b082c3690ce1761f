using Akka.Configuration;
using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes;

/// <summary>Session state kept between streams: per key, expiring after its time to live unused, bounded in count.</summary>
public sealed class SessionStateStoreSpec
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_key_must_give_the_same_state_and_values_must_be_copied_in_and_out()
    {
        var store = new SessionStateStore(TimeSpan.FromMinutes(10), 10, _clock);
        var state = store.GetOrCreate("caller-1");
        byte[] written = [1, 2, 3];

        state.SetBytes("blob", written);
        state.SetString("language", "fr");
        written[0] = 9;
        var read = store.GetOrCreate("caller-1").GetBytes("blob")!;
        read[1] = 9;

        Assert.Same(state, store.GetOrCreate("caller-1"));
        Assert.Equal([1, 2, 3], state.GetBytes("blob"));
        Assert.Equal("fr", state.GetString("language"));
        Assert.Null(state.GetString("blob"));
        Assert.Null(state.GetBytes("language"));
        Assert.Equal(5, state.Size);
        Assert.NotSame(state, store.GetOrCreate("caller-2"));
        Assert.True(state.Remove("language"));
        Assert.Equal(["blob"], state.Names);
    }

    [Fact]
    public void A_state_unused_for_its_time_to_live_must_be_gone_and_a_used_one_must_stay()
    {
        var store = new SessionStateStore(TimeSpan.FromMinutes(10), 10, _clock);
        store.GetOrCreate("idle").SetString("x", "1");
        var busy = store.GetOrCreate("busy");

        for (var minute = 0; minute < 12; minute++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            busy.SetString("minute", minute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.False(store.TryGet("idle", out _));
        Assert.True(store.TryGet("busy", out var kept));
        Assert.Equal("11", kept.GetString("minute"));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(10), kept.ExpiresAt);
        Assert.Equal(1, store.Expired);
        Assert.Null(store.GetOrCreate("idle").GetString("x"));
    }

    [Fact]
    public void A_full_store_must_drop_the_least_recently_used_state_and_list_the_rest_most_recent_first()
    {
        var store = new SessionStateStore(TimeSpan.FromHours(1), 2, _clock);
        store.GetOrCreate("a");
        _clock.Advance(TimeSpan.FromSeconds(1));
        store.GetOrCreate("b");
        _clock.Advance(TimeSpan.FromSeconds(1));
        store.GetOrCreate("a");
        _clock.Advance(TimeSpan.FromSeconds(1));

        store.GetOrCreate("c");

        Assert.Equal(["c", "a"], store.Snapshot().Select(s => s.Key));
        Assert.Equal(1, store.Evicted);
        Assert.False(store.TryGet("b", out _));
    }

    [Fact]
    public void A_state_dropped_while_a_node_still_holds_it_must_come_back_on_its_next_use()
    {
        var store = new SessionStateStore(TimeSpan.FromHours(1), 1, _clock);
        var held = store.GetOrCreate("held");
        store.GetOrCreate("other");

        held.SetString("count", "2");

        Assert.True(store.TryGet("held", out var back));
        Assert.Same(held, back);
        Assert.Equal("2", back.GetString("count"));
        Assert.False(store.TryGet("other", out _));
    }

    [Fact]
    public void A_bad_setting_must_fail_naming_its_key_and_the_defaults_must_come_from_reference_conf()
    {
        using var system = Akka.Actor.ActorSystem.Create("state", AkkaMediaConfig.Default);
        var store = SessionStateStore.Get(system);
        using var bad = Akka.Actor.ActorSystem.Create("bad", ConfigurationFactory.ParseString("akka-media.session-state.max-sessions = 0").WithFallback(AkkaMediaConfig.Default));

        Assert.Equal((TimeSpan.FromHours(24), 10_000), (store.TimeToLive, store.MaxSessions));
        Assert.Same(store, SessionStateStore.Get(system));
        var error = Assert.ThrowsAny<ArgumentException>(() => SessionStateStore.Get(bad));
        Assert.Equal("akka-media.session-state.max-sessions", error.ParamName);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
