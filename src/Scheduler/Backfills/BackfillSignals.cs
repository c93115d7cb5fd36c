using System.Threading.Channels;
using Scheduler.Runs;

namespace Scheduler.Backfills;

/// <summary>
/// The <see cref="IRunObserver"/> that wakes backfills: a run of a mart ending frees a slot, so that mart's running
/// backfills are driven (by <see cref="BackfillSweepService"/>, never on the caller's thread, which is storing a run change).
/// </summary>
public sealed class BackfillSignals : IRunObserver
{
    private readonly Channel<string> _marts = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The marts whose backfills should be driven, in the order their runs ended.</summary>
    internal ChannelReader<string> Reader => _marts.Reader;

    /// <inheritdoc />
    public void RunEnded(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _marts.Writer.TryWrite(run.Mart);
    }
}
