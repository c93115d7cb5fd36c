using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;

namespace Scheduler.Tests.Redshift;

[Trait("Category", "Fast")]
public sealed class RedshiftServiceCollectionExtensionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void AddRedshiftDataClient_RegistersSingletonClientAndTimeProvider_WhenConfigured()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("AKID", "secret"));
        services.AddRedshiftDataClient(Config(("Redshift:Region", "eu-west-1"), ("Redshift:MaxAttempts", "5"), ("Redshift:RequestTimeout", "00:00:45")));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IRedshiftDataClient>();

        Assert.Same(client, provider.GetRequiredService<IRedshiftDataClient>());
        Assert.Equal("https://redshift-data.eu-west-1.amazonaws.com/", Assert.IsType<RedshiftDataClient>(client).Endpoint.ToString());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        var options = provider.GetRequiredService<IOptions<RedshiftClientOptions>>().Value;
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(45), options.RequestTimeout);
    }

    [Fact]
    public async Task AddRedshiftDataClient_StopsStartup_WhenConfigurationIsInvalid()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddRedshiftDataClient(Config(("Redshift:ServiceUrl", "localhost:4566"), ("Redshift:UseFips", "true")));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Redshift:ServiceUrl = 'localhost:4566'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Redshift:UseFips", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateHttpClient_AllowsLongPollingAndManyConnections_WithoutRedirects()
    {
        using var client = RedshiftServiceCollectionExtensions.CreateHttpClient();
        using var handler = RedshiftServiceCollectionExtensions.CreateHandler();

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(int.MaxValue, handler.MaxConnectionsPerServer);
        Assert.NotEqual(Timeout.InfiniteTimeSpan, handler.PooledConnectionLifetime);
    }
}
