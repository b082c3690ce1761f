namespace DataProcessing;

/// <summary>Consumes batches of readings and keeps what it learned from all of them.</summary>
public interface IDataProcessor
{
    /// <summary>How many readings were processed so far, over all batches; 0 for a new processor.</summary>
    long ProcessedCount { get; }

    /// <summary>Processes one batch (it may be empty) and returns what the processor knows after it. The array is not kept.</summary>
    BatchReport Process(double[] readings);

    /// <summary>Like <see cref="Process"/>, completing when the batch is done.</summary>
    Task<BatchReport> ProcessAsync(double[] readings);
}
