namespace Scheduler.Background;

/// <summary>Why a <see cref="BackgroundPass"/> runs its pass.</summary>
internal enum BackgroundPassReason
{
    /// <summary>The interval is up (or the loop just started): the full pass is due.</summary>
    Interval,

    /// <summary>The <see cref="PassSignal"/> woke the loop before the interval was up.</summary>
    Signal,
}
