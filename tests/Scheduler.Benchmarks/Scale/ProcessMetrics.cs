using System.Globalization;

namespace Scheduler.Benchmarks.Scale;

/// <summary>CPU time and peak resident memory of a (child) process, read from /proc.</summary>
internal readonly record struct ProcessMetrics(double CpuSeconds, double PeakMegabytes)
{
    // Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream distribution.
    private const double TicksPerSecond = 100.0;

    public static ProcessMetrics? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            var peakKb = File.ReadLines($"/proc/{pid}/status")
                .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
                .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
                .FirstOrDefault();
            return new ProcessMetrics(cpu, peakKb / 1024.0);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
