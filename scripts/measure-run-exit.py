#!/usr/bin/env python3
"""How long `akkamedia run` takes to exit, for docs/benchmarks.md ("akkamedia run after its executor died").

  scripts/measure-run-exit.py AKKAMEDIA_DLL RUNS MediaLink|StreamRefs
      Per run: a fresh executor (`akkamedia node`), a `run` of a real-time tone through a remote Gain; once elements flow,
      SIGKILL to the executor; prints the time from the kill to the run's error line and to its exit.
  scripts/measure-run-exit.py AKKAMEDIA_DLL RUNS normal
      One executor; RUNS runs of a 1 s tone through a remote Gain; prints the time from `run: done:` to the exit (a normal
      end: the client leaves the cluster and waits for its removal).

Every process it starts is killed when it ends. Standard library only.
"""
import atexit, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time

DLL, RUNS, MODE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
FOLDER = tempfile.mkdtemp(prefix="akkamedia-run-exit-")
atexit.register(shutil.rmtree, FOLDER, True)
LIVE = os.path.join(FOLDER, "live.conf")
SHORT = os.path.join(FOLDER, "short.conf")
with open(LIVE, "w") as f:
    f.write("pipeline {\n  source { type = tone, frequency = 440, duration = 300s, realtime = true }\n"
            "  stages = [ { type = Gain, gain = 0.5, remote = true } ]\n  sink { type = discard }\n}\n")
with open(SHORT, "w") as f:
    f.write("pipeline {\n  source { type = tone, frequency = 440, duration = 1s }\n"
            "  stages = [ { type = Gain, gain = 0.5, remote = true } ]\n  sink { type = discard }\n}\n")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Host:
    """One `dotnet akkamedia.dll ARGS` process; its output lines are time-stamped as they arrive."""

    def __init__(self, args):
        self.process = subprocess.Popen(["dotnet", DLL] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines, self.waiters, self.gate = [], [], threading.Lock()
        for stream, tag in ((self.process.stdout, "out"), (self.process.stderr, "err")):
            threading.Thread(target=self._read, args=(stream, tag), daemon=True).start()

    def _read(self, stream, tag):
        for raw in iter(stream.readline, b""):
            entry = (time.monotonic(), tag, raw.decode(errors="replace").rstrip("\n"))
            with self.gate:
                self.lines.append(entry)
                for match, found in self.waiters:
                    if match(entry[1], entry[2]) and "at" not in found:
                        found["at"] = entry; found["event"].set()

    def wait_for(self, match, timeout):
        found = {"event": threading.Event()}
        with self.gate:
            for entry in self.lines:
                if match(entry[1], entry[2]):
                    return entry
            self.waiters.append((match, found))
        if not found["event"].wait(timeout):
            raise TimeoutError("\n".join(l for _, _, l in self.lines))
        return found["at"]

    def kill(self):
        if self.process.poll() is None:
            self.process.kill(); self.process.wait()


def start_executor():
    port = free_port()
    node = Host(["node", "--port", str(port), "--seeds", f"127.0.0.1:{port}", "--admin-port", "0"])
    node.wait_for(lambda tag, l: tag == "out" and l.startswith("READY "), 120)
    return node, f"127.0.0.1:{port}"


def failure(transport):
    kill_to_exit, error_to_exit = [], []
    for i in range(RUNS):
        node = run = None
        try:
            node, seed = start_executor()
            run = Host(["run", LIVE, "--seeds", seed, "--transport", transport])
            run.wait_for(lambda tag, l: tag == "out" and re.match(r"^run: [1-9]\d* elements", l), 120)
            killed = time.monotonic()
            node.process.send_signal(signal.SIGKILL)
            run.process.wait(60)
            exited = time.monotonic()
            failed, _, error = run.wait_for(lambda tag, l: tag == "err" and l.startswith("run failed:"), 5)
            kill_to_exit.append((exited - killed) * 1000); error_to_exit.append((exited - failed) * 1000)
            print(f"run {i + 1}: exit {run.process.returncode}, kill->error {1000 * (failed - killed):.0f} ms, "
                  f"kill->exit {kill_to_exit[-1]:.0f} ms, error->exit {error_to_exit[-1]:.0f} ms | {error}", flush=True)
        finally:
            for host in (run, node):
                if host: host.kill()
    print(f"median kill->exit {statistics.median(kill_to_exit):.0f} ms, error->exit {statistics.median(error_to_exit):.0f} ms "
          f"over {RUNS} runs ({transport})", flush=True)


def normal():
    node, seed = start_executor()
    times = []
    try:
        for i in range(RUNS):
            run = Host(["run", SHORT, "--seeds", seed])
            try:
                done, _, _ = run.wait_for(lambda tag, l: tag == "out" and l.startswith("run: done:"), 120)
                run.process.wait(60)
                times.append((time.monotonic() - done) * 1000)
                print(f"run {i + 1}: exit {run.process.returncode}, done->exit {times[-1]:.0f} ms", flush=True)
            finally:
                run.kill()
    finally:
        node.kill()
    print(f"median done->exit {statistics.median(times):.0f} ms over {RUNS} runs", flush=True)


normal() if MODE == "normal" else failure(MODE)
