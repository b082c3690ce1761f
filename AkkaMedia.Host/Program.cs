using AkkaMedia.Host.Commands;

return await HostCommandLine.InvokeAsync(args);
