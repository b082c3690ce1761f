using System.Diagnostics;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// One point of the load: opens K sessions against one <c>/media</c> URL (<c>wave</c> at a time), adds each
/// to one <see cref="PacedClock"/> as soon as it is started, paces them all for the given seconds after
/// the last one started, then stops every session (<c>stop</c> → <c>stopped</c> → close 1000) and checks
/// the counts.
/// </summary>
internal static class LoadPoint
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Runs one point; <paramref name="cpu"/> are the processes whose processor time is reported for the paced window.</summary>
    public static async Task<PointResult> RunAsync(string target, Uri url, int sessions, int seconds, EdgeLoadArguments arguments, IReadOnlyList<ProcessCpu> cpu)
    {
        var load = Machine.LoadAverage();
        var packet = new MediaPacket(arguments.SampleRate);
        var capacity = 50 * (seconds + 120);
        var all = Enumerable.Range(0, sessions).Select(i => new LoadSession(i, url, packet, arguments.SampleRate, capacity)).ToArray();
        try
        {
            var began = Stopwatch.GetTimestamp();
            var clock = new PacedClock(sessions, TimeSpan.FromMilliseconds(arguments.PaceResolutionMs));
            long skipped;
            long rampEnd;
            var probing = Task.FromResult(Array.Empty<long>());
            Dictionary<string, double> cpuPercent;
            try
            {
                using (var wave = new SemaphoreSlim(arguments.Wave))
                {
                    await Task.WhenAll(all.Select(async session =>
                    {
                        await wave.WaitAsync();
                        try
                        {
                            if (await session.StartAsync())
                            {
                                clock.Add(session);
                            }
                        }
                        finally
                        {
                            wave.Release();
                        }
                    }));
                }

                rampEnd = Stopwatch.GetTimestamp();
                foreach (var process in cpu)
                {
                    process.Start();
                }

                using var probesEnd = new CancellationTokenSource();
                probing = ProbeSetupAsync(url, sessions, arguments, packet, TimeSpan.FromSeconds(seconds), probesEnd.Token);
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                cpuPercent = cpu.ToDictionary(p => p.Name, p => p.Stop());
                probesEnd.Cancel();
            }
            finally
            {
                clock.Dispose();
                skipped = clock.Skipped;
            }

            await Task.WhenAll(all.Select(s => s.StopAsync(StopTimeout)));
            var probes = await probing;

            // A session that did not stop in time may still be receiving: end every socket before counting.
            foreach (var session in all)
            {
                session.Dispose();
            }

            return Summarize(target, sessions, seconds, arguments.SampleRate, all, began, rampEnd, skipped, cpuPercent, load, probes);
        }
        finally
        {
            foreach (var session in all)
            {
                session.Dispose();
            }
        }
    }

    /// <summary>
    /// Session setup while the K sessions stream: <c>--setup-probes</c> extra sessions opened one at a time, spread
    /// over the first half of the paced window, each stopped at once (no audio); their setup times. No new probe after
    /// <paramref name="end"/>: a slow probe never stretches the window.
    /// </summary>
    private static async Task<long[]> ProbeSetupAsync(Uri url, int sessions, EdgeLoadArguments arguments, MediaPacket packet, TimeSpan window, CancellationToken end)
    {
        var setups = new List<long>();
        if (arguments.SetupProbes == 0)
        {
            return [];
        }

        var interval = window / 2 / arguments.SetupProbes;
        for (var i = 0; i < arguments.SetupProbes && !end.IsCancellationRequested; i++)
        {
            try
            {
                await Task.Delay(interval, end);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            using var probe = new LoadSession(sessions + i, url, packet, arguments.SampleRate, 1);
            if (await probe.StartAsync())
            {
                setups.Add(probe.SetupTicks);
                await probe.StopAsync(StopTimeout);
            }
        }

        return [.. setups];
    }

    private static PointResult Summarize(string target, int sessions, int seconds, int sampleRate, LoadSession[] all, long began, long rampEnd, long skipped,
        Dictionary<string, double> cpuPercent, double load, long[] probes)
    {
        var started = all.Where(s => s.SetupTicks > 0).ToArray();
        var counts = all.Select(s => s.RoundTripCount).ToArray();
        var roundTrips = new long[counts.Sum()];
        var steady = new List<long>(roundTrips.Length);
        var bySecond = new List<List<long>>();
        var n = 0;
        for (var s = 0; s < all.Length; s++)
        {
            var session = all[s];
            for (var i = 0; i < counts[s]; i++)
            {
                var (ticks, sentAt) = session.RoundTrip(i);
                roundTrips[n++] = ticks;
                if (sentAt >= rampEnd)
                {
                    steady.Add(ticks);
                }

                var second = (int)((sentAt - began) / Stopwatch.Frequency);
                while (bySecond.Count <= second)
                {
                    bySecond.Add([]);
                }

                bySecond[second].Add(ticks);
            }
        }

        long sent = all.Sum(s => (long)s.Sent);
        long received = all.Sum(s => (long)s.Received);
        long dropped = all.Sum(s => s.Dropped);
        static long Lost(LoadSession s) => Math.Max(0, s.Sent - s.Received - s.Dropped);
        var mismatches = all.Count(s => s.ServerFramesIn >= 0 && (s.ServerFramesIn != s.Sent || s.ServerFramesOut != s.Received));
        var failed = all.Where(s => s.Failure is not null).ToArray();
        return new PointResult(
            target,
            sessions,
            started.Length,
            seconds,
            sampleRate,
            Percentiles.Of(started.Select(s => s.SetupTicks).ToArray()),
            Percentiles.Of(started.Select(s => s.ConnectTicks).ToArray()),
            Percentiles.Of(all.Where(s => s.FirstRoundTripTicks > 0).Select(s => s.FirstRoundTripTicks).ToArray()),
            Percentiles.Of(probes),
            Percentiles.Milliseconds(rampEnd - began),
            Percentiles.Of(roundTrips),
            Percentiles.Of(steady.ToArray()),
            bySecond.Select(b => Percentiles.Of(b.ToArray()).P99Ms).ToArray(),
            sent,
            received,
            dropped,
            all.Where(s => s.Failure is null).Sum(Lost),
            failed.Sum(Lost),
            all.Sum(s => (long)s.OutOfOrder),
            all.Sum(s => (long)s.Duplicates),
            mismatches,
            failed.Length,
            failed.Select(s => s.Failure!).Distinct().Take(5).ToArray(),
            all.Sum(s => (long)s.OtherEvents),
            all.Max(s => s.MaxBacklog),
            skipped,
            cpuPercent,
            load);
    }
}
