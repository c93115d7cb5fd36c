using RedshiftDataEmulator;

WebApplication app;
try
{
    app = EmulatorApplication.Build(args);
}
catch (InvalidOperationException ex)
{
    // A configuration problem: say it in one line rather than as an unhandled exception's stack trace.
    await Console.Error.WriteLineAsync($"redshift-data-emulator: {ex.Message}");
    return 1;
}

await app.RunAsync();
return 0;
