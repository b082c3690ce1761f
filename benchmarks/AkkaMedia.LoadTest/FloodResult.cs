namespace AkkaMedia.LoadTest;

/// <summary>
/// What <c>paced --flood N</c> measured: the session-open flood and the paced streams' round trips in the second half of
/// the steady window (during the flood) against the first half (before it), in the same run.
/// </summary>
/// <param name="Workers">Concurrent flood workers, each opening and closing sessions one after the other.</param>
/// <param name="Seconds">How long the flood ran.</param>
/// <param name="SessionsOpened">Flood sessions opened, used for one frame and closed.</param>
/// <param name="OpensRefused">Flood opens the executor refused, at capacity or beyond the client's rate of opens (the client's error says so).</param>
/// <param name="OpensFailed">Flood opens that failed otherwise.</param>
/// <param name="OpensPerSecond">Opens answered (opened or refused) per second.</param>
/// <param name="FramesWithout">Paced frames sent after the ramp and before the flood.</param>
/// <param name="P50WithoutMs">Their median round trip.</param>
/// <param name="P99WithoutMs">Their 99th percentile.</param>
/// <param name="FramesWith">Paced frames sent during the flood.</param>
/// <param name="P50WithMs">Their median round trip.</param>
/// <param name="P99WithMs">Their 99th percentile.</param>
/// <param name="FirstRefusal">The first refusal as the client's stream failed with it; null when none.</param>
/// <param name="FirstFailure">The first other failure; null when none.</param>
/// <param name="OpensRateLimited">Of <paramref name="OpensRefused"/>, those refused beyond <c>max-session-opens-per-second</c>.</param>
internal sealed record FloodResult(
    int Workers,
    double Seconds,
    long SessionsOpened,
    long OpensRefused,
    long OpensFailed,
    double OpensPerSecond,
    int FramesWithout,
    double P50WithoutMs,
    double P99WithoutMs,
    int FramesWith,
    double P50WithMs,
    double P99WithMs,
    string? FirstRefusal,
    string? FirstFailure,
    long OpensRateLimited = 0);
