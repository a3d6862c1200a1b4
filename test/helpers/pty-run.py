"""Runs a command in a real pseudo-terminal and plays a script against it.

Usage: python3 pty-run.py '<json steps>' cmd [args...]
Each step is {"expect": "text"} (wait until the screen shows it), optionally with "send": "keys"
or "signal": N (sent to the command's process, as `kill -N` would).
Prints one JSON object: {"code": exit code or -signal, "output": everything the terminal showed}.
Used by the tests of prompts and colour, which need stdin and stdout to be a TTY.
"""
import json, os, pty, select, sys, time

steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

out = b""
deadline = time.time() + 20

def pump(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
    return True

def waiting(pid):
    """True when the command's main thread sleeps (node idle in its event loop, waiting for input)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "S"
    except OSError:
        return True

for step in steps:
    want = step["expect"].encode()
    start = len(out) if step.get("fresh") else 0
    while want not in out[start:] and time.time() < deadline:
        if not pump(0.05):
            break
    # The screen shows the prompt before node has finished the turn that drew it (and installed
    # its handlers): act once that turn is over and node waits, not after a fixed pause.
    while ("send" in step or "signal" in step) and not waiting(pid) and time.time() < deadline:
        pump(0.002)
    if "send" in step:
        os.write(fd, step["send"].encode())
    if "signal" in step:
        os.kill(pid, step["signal"])

# The exit status comes from whichever waitpid reaps the child: the polling one below (then a
# second waitpid would fail, and its status must not be taken for 0) or the final one.
status = None
while time.time() < deadline:
    if not pump(0.05):
        break
    done, polled = os.waitpid(pid, os.WNOHANG)
    if done:
        status = polled
        while pump(0.05):
            pass
        break
else:
    os.kill(pid, 9)

if status is None:
    _, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "output": out.decode("utf-8", "replace")}))
