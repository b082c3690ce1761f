using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>
/// The sample app started for real in this process (its Program.cs, appsettings.json and Akka.Hosting wiring), with
/// configuration keys overridden as environment variables or the command line would (<c>AkkaMedia:Seeds:0</c>, …).
/// Disposing stops it: its actor system leaves the cluster.
/// </summary>
public sealed class WebApiApp(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
