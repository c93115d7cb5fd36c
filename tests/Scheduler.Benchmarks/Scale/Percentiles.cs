namespace Scheduler.Benchmarks.Scale;

/// <summary>Nearest-rank percentiles of a sample, in seconds.</summary>
internal sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> values)
    {
        _sorted = values.Order().ToArray();
    }

    public int Count => _sorted.Length;

    public double At(double percentile)
    {
        if (_sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public double P50 => At(50);

    public double P95 => At(95);

    public double P99 => At(99);

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public override string ToString() =>
        Count == 0 ? "n/a" : FormattableString.Invariant($"{P50:0.00} / {P95:0.00} / {P99:0.00} / {Max:0.00}");
}
