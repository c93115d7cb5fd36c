using Microsoft.Extensions.Logging;

namespace Scheduler.Tests.Hosting;

/// <summary>One entry kept by <see cref="RecordingLogger{T}"/>.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
