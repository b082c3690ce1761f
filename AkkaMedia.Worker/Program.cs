// A worker process of an executor with akka-media.executor.isolation = process: it serves one session of shipped code
// over the Unix domain socket the executor names, and exits when the executor lets it go.
return await AkkaMedia.Executor.Isolation.WorkerHost.RunAsync(args);
