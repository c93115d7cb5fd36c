using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduler.Hosting;

namespace Scheduler.Testing.Hosting;

/// <summary>
/// The one way tests build the real service (<see cref="SchedulerApplication.Build"/>): a suite says which database,
/// which Redshift endpoint (the emulator, or nowhere), which settings, fakes and logging it wants; this class turns
/// that into arguments and builder changes. Settings given here override every other configuration source.
/// </summary>
public sealed class SchedulerTestHost
{
    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<WebApplicationBuilder>> _configure = [];
    private string? _contentRoot;
    private string? _environment;
    private IReadOnlyList<string> _urls = ["--urls", "http://127.0.0.1:0"];

    private SchedulerTestHost()
    {
    }

    /// <summary>Starts a description of a service whose content root (appsettings.json, relative paths) is <paramref name="contentRoot"/>.</summary>
    /// <remarks>A temporary folder keeps the service's own appsettings.json (the sample mart) out of the tests.</remarks>
    public static SchedulerTestHost At(string contentRoot) => new() { _contentRoot = contentRoot };

    /// <summary>The scheduler's own database (Hangfire and the run ledger).</summary>
    public SchedulerTestHost WithDatabase(string connectionString) => WithSetting("ConnectionStrings:Scheduler", connectionString);

    /// <summary>The Redshift Data API endpoint (an emulator's address, or a closed port when the tests submit nothing).</summary>
    public SchedulerTestHost WithRedshift(string serviceUrl, string workgroupName, string database = "dev") =>
        WithSetting("Redshift:ServiceUrl", serviceUrl.TrimEnd('/'))
            .WithSetting("Redshift:WorkgroupName", workgroupName)
            .WithSetting("Redshift:Database", database);

    /// <summary>Signs Data API calls with this fixed key pair instead of looking for real AWS credentials.</summary>
    public SchedulerTestHost WithAwsCredentials(string accessKeyId, string secretAccessKey) =>
        Configure(builder => builder.Services.AddSingleton<AWSCredentials>(new BasicAWSCredentials(accessKeyId, secretAccessKey)));

    /// <summary>One configuration key; later calls win.</summary>
    public SchedulerTestHost WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Configuration keys; later calls win.</summary>
    public SchedulerTestHost WithSettings(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }

        return this;
    }

    /// <summary>The hosting environment (<c>Testing</c> for most suites; unset means the framework's default).</summary>
    public SchedulerTestHost InEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    /// <summary>Replaces the default <c>--urls http://127.0.0.1:0</c> (a free loopback port) with other arguments.</summary>
    public SchedulerTestHost WithUrlArguments(IReadOnlyList<string> arguments)
    {
        _urls = arguments;
        return this;
    }

    /// <summary>Only warnings and errors reach the console (the default console logging is noisy in test output).</summary>
    public SchedulerTestHost WithQuietLogs() => Configure(builder =>
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
    });

    /// <summary>Any other change to the builder: fakes (a <c>TimeProvider</c>), log capture, an in-process test server.</summary>
    public SchedulerTestHost Configure(Action<WebApplicationBuilder> configure)
    {
        _configure.Add(configure);
        return this;
    }

    /// <summary>Builds the service (not started).</summary>
    public WebApplication Build()
    {
        string[] args = [.. _urls, .. _contentRoot is null ? [] : new[] { "--contentRoot", _contentRoot },
            .. _environment is null ? [] : new[] { "--environment", _environment }];
        var settings = new Dictionary<string, string?>(_settings);
        var configure = _configure.ToList();
        return SchedulerApplication.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            foreach (var change in configure)
            {
                change(builder);
            }
        });
    }

    /// <summary>Builds and starts the service.</summary>
    public async Task<WebApplication> StartAsync()
    {
        var app = Build();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>The address Kestrel listens on, with a trailing slash (for <see cref="HttpClient.BaseAddress"/>).</summary>
    public static Uri BaseAddressOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
