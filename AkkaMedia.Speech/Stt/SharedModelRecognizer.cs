using AkkaMedia.Speech.Models;

namespace AkkaMedia.Speech.Stt;

/// <summary>An <see cref="ISpeechRecognizer"/> over a model shared through <see cref="SharedModels{TModel}"/>.</summary>
internal sealed class SharedModelRecognizer<TModel> : ISpeechRecognizer
    where TModel : class, IDisposable
{
    private readonly SharedModels<TModel> _models;
    private readonly Func<string> _resolve;
    private readonly Func<TModel, float[], CancellationToken, Task<string>> _recognize;
    private readonly int _maxConcurrency;
    private readonly TimeSpan _unloadAfter;
    private SharedModels<TModel>.ModelLease? _lease;

    public SharedModelRecognizer(
        string name,
        SharedModels<TModel> models,
        Func<string> resolve,
        Func<TModel, float[], CancellationToken, Task<string>> recognize,
        int maxConcurrency,
        TimeSpan unloadAfter)
    {
        Name = name;
        _models = models;
        _resolve = resolve;
        _recognize = recognize;
        _maxConcurrency = maxConcurrency;
        _unloadAfter = unloadAfter;
    }

    public string Name { get; }

    public void Open() => _lease ??= _models.Acquire(_resolve(), _maxConcurrency, _unloadAfter);

    public Task<string> RecognizeAsync(float[] samples, CancellationToken cancellationToken)
    {
        var lease = _lease ?? throw new InvalidOperationException($"Speech recognizer '{Name}' was not opened.");
        return lease.RunAsync((model, token) => _recognize(model, samples, token), cancellationToken);
    }

    public void Dispose()
    {
        _lease?.Dispose();
        _lease = null;
    }
}
