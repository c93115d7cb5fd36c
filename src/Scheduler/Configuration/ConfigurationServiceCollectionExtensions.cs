using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Scheduler.Configuration;

/// <summary>The one way options are registered: bound, validated by one validator, on start and by <c>validate</c>.</summary>
internal static class ConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> with <typeparamref name="TValidator"/> (every problem listed at once,
    /// with key, value and expectation), validated on start (<c>ValidateOnStart</c>) and listed by
    /// <see cref="ConfigurationChecks"/>. Bind or configure the options on the returned builder.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddCheck<TOptions>();
    }

    /// <summary>
    /// As <see cref="AddValidatedOptions{TOptions, TValidator}"/>, with a validator built by the caller (one that reads
    /// keys outside the options' section from the configuration it is given).
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(validator);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
        return services.AddCheck<TOptions>();
    }

    private static OptionsBuilder<TOptions> AddCheck<TOptions>(this IServiceCollection services)
        where TOptions : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigurationCheck, OptionsCheck<TOptions>>());
        return services.AddOptions<TOptions>().ValidateOnStart();
    }
}
