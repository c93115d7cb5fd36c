await RedshiftDataEmulator.EmulatorApplication.Build(args).RunAsync();
