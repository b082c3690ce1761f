using AkkaMedia.Samples.RemoteAudioEcho;

return await RemoteAudioEchoSample.RunAsync(args, Console.Out, Console.Error);
