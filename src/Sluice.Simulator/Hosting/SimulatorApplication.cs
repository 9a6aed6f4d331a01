using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sluice.Simulator.Hosting;

/// <summary>
/// Builds the simulator's Kestrel host from nothing (<see cref="WebApplication.CreateEmptyBuilder"/>): no
/// appsettings, no environment variables (so ASPNETCORE_URLS and friends meant for the gateway never leak in),
/// no Ctrl+C handling, and console logging at Warning and above.
/// </summary>
internal static class SimulatorApplication
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static WebApplication Build(SimulatorOptions options, ListenAddress listen, TimeProvider timeProvider)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "Sluice.Simulator",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen.Listen(kestrel, options.Port);
        });

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);

        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.AddSingleton(timeProvider);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        return builder.Build();
    }
}
