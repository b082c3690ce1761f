using Akka.Hosting;
using AkkaMedia.Hosting;
using AkkaMedia.Samples.WebApi;

var builder = WebApplication.CreateBuilder(args);

// The cluster membership: seeds, the address executors reach this app at, and so on, from the "AkkaMedia" section.
var media = builder.Configuration.GetSection("AkkaMedia").Get<AkkaMediaClientOptions>() ?? new AkkaMediaClientOptions();
builder.Services.AddAkka(media.SystemName, akka => akka.WithAkkaMediaClient(media));
builder.Services.AddAudioProcessing(builder.Configuration.GetSection("Processing"));

var app = builder.Build();
app.UseWebSockets();
app.MapAudioProcessing();
app.MapExecutors();
app.Run();
