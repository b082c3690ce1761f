namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>
/// The app joined to a cluster whose only other member is an executor (<see cref="ExecutorHost"/>), shared by the specs
/// of one class. Requests wait for the executor as long as <see cref="Patience"/>, so the first one covers the join.
/// The app is stopped before the executor, whatever the outcome.
/// </summary>
public sealed class AppWithExecutor : IAsyncLifetime
{
    /// <summary>How long anything may take before a spec fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The largest WAV body the app takes here.</summary>
    public const int MaxWavBytes = 1024 * 1024;

    private ExecutorHost? _executor;
    private WebApiApp? _app;

    /// <summary>The address of the executor.</summary>
    public string ExecutorAddress => (_executor ?? throw new InvalidOperationException("Not started.")).Address;

    /// <summary>The app.</summary>
    public WebApiApp App => _app ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _executor = await ExecutorHost.StartAsync();
        _app = new WebApiApp(new Dictionary<string, string>
        {
            ["AkkaMedia:Seeds:0"] = _executor.Seed,
            ["Processing:ExecutorWait"] = Patience.ToString(),
            ["Processing:MaxWavBytes"] = MaxWavBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _ = _app.Server; // starts the app: its actor system joins the executor's cluster
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
        finally
        {
            if (_executor is not null)
            {
                await _executor.DisposeAsync();
            }
        }
    }
}
