namespace DataProcessing;

/// <summary>What a processor knows after one batch.</summary>
/// <param name="Batch">The batch's number, from 1.</param>
/// <param name="Readings">Readings in this batch.</param>
/// <param name="ProcessedCount">Readings processed so far, this batch included.</param>
/// <param name="Mean">Mean of all readings so far; NaN before the first.</param>
public sealed record BatchReport(int Batch, int Readings, long ProcessedCount, double Mean);
