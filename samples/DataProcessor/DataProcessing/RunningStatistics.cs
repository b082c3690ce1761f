namespace DataProcessing;

/// <summary>
/// A processor that keeps running statistics of every reading it has seen (count, mean, variance, minimum,
/// maximum) in O(1) memory, with Welford's update, so the numbers stay accurate over long runs. Deployed
/// remotely, the statistics live on the executor between calls; a copy comes back with the remote object's
/// state.
/// </summary>
public sealed class RunningStatistics : IDataProcessor
{
    private double _mean;
    private double _sumOfSquaredDeviations;

    /// <inheritdoc />
    public long ProcessedCount { get; private set; }

    /// <summary>Batches processed so far.</summary>
    public int Batches { get; private set; }

    /// <summary>Mean of all readings; NaN before the first.</summary>
    public double Mean => ProcessedCount == 0 ? double.NaN : _mean;

    /// <summary>Population standard deviation of all readings; NaN before the first.</summary>
    public double StandardDeviation => ProcessedCount == 0 ? double.NaN : Math.Sqrt(_sumOfSquaredDeviations / ProcessedCount);

    /// <summary>Smallest reading; +∞ before the first.</summary>
    public double Minimum { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest reading; −∞ before the first.</summary>
    public double Maximum { get; private set; } = double.NegativeInfinity;

    /// <inheritdoc />
    public BatchReport Process(double[] readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        foreach (var reading in readings)
        {
            ProcessedCount++;
            var deviation = reading - _mean;
            _mean += deviation / ProcessedCount;
            _sumOfSquaredDeviations += deviation * (reading - _mean);
            Minimum = Math.Min(Minimum, reading);
            Maximum = Math.Max(Maximum, reading);
        }

        Batches++;
        return new BatchReport(Batches, readings.Length, ProcessedCount, Mean);
    }

    /// <inheritdoc />
    public async Task<BatchReport> ProcessAsync(double[] readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        await Task.Yield(); // the caller's thread is free while the batch is processed
        return Process(readings);
    }
}
