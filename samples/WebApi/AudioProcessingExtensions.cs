namespace AkkaMedia.Samples.WebApi;

/// <summary>The wiring of this app: its services and its endpoints.</summary>
internal static class AudioProcessingExtensions
{
    /// <summary>The endpoints' limits (checked at start) from <paramref name="section"/>, and the view of the cluster they use.</summary>
    public static IServiceCollection AddAudioProcessing(this IServiceCollection services, IConfigurationSection section)
    {
        services.AddOptions<ProcessingOptions>().Bind(section).PostConfigure(o => o.Validate()).ValidateOnStart();
        services.AddSingleton<MediaCluster>();
        return services;
    }

    /// <summary><c>POST /process</c> and the WebSocket <c>/process/stream</c>: audio through the remote Gain stage, one pipeline per request or connection.</summary>
    public static IEndpointRouteBuilder MapAudioProcessing(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/process", ProcessEndpoint.HandleAsync);
        endpoints.Map("/process/stream", StreamEndpoint.HandleAsync);
        return endpoints;
    }

    /// <summary><c>GET /executors</c>: the executors this app sees.</summary>
    public static IEndpointRouteBuilder MapExecutors(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/executors", ExecutorsEndpoint.HandleAsync);
        return endpoints;
    }
}
