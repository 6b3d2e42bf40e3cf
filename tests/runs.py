"""When the app in a browser tab has finished the runs it asked for: what the browser tests
wait on after each step, instead of a pause of a fixed length.

Streamlit's frontend marks a run as under way (``data-test-script-state``) only once the
server has started it: right after a click, the tab still says «not running» from the run
before. Streamlit's own suite, and these tests until now, waited 300 ms first, on every step
(a third of the browser tests' time). Here the tab itself counts, on its WebSocket, each
run it asks for (a ``BackMsg`` with ``rerun_script``), each run the server starts (a
``ForwardMsg`` with ``new_session``) and each it reports done (``script_finished``, not
«ended early for a new run»): the app is idle once a run that started after the last one
asked for has ended, and the frontend shows it as not running.

``WATCH_RUNS`` is put in every page of every browser context (conftest's ``browser``)."""

from __future__ import annotations

# The messages' field numbers (Streamlit's protobuf: BackMsg.rerun_script = 11;
# ForwardMsg.new_session = 4, which starts every run, and script_finished = 6, an enum,
# FINISHED_EARLY_FOR_RERUN = 2). Read from the top level of each message only: a field's tag
# and, for a number, its value.
WATCH_RUNS = """
(() => {
    if (window.iaRuns) return;
    const runs = {seq: 0, asked: 0, started: 0, done: 0, doneAt: 0};
    window.iaRuns = runs;
    const varint = (b, i) => {
        let value = 0, shift = 0, byte;
        do {
            byte = b[i++];
            value += (byte & 0x7f) * 2 ** shift;
            shift += 7;
        } while (byte & 0x80 && i < b.length);
        return [value, i];
    };
    const fields = (b) => {
        const found = [];
        let i = 0;
        while (i < b.length) {
            let tag, value = null, size;
            [tag, i] = varint(b, i);
            const wire = tag & 7;
            if (wire === 0) [value, i] = varint(b, i);
            else if (wire === 2) { [size, i] = varint(b, i); i += size; }
            else if (wire === 1) i += 8;
            else if (wire === 5) i += 4;
            else break;
            found.push([Math.floor(tag / 8), value]);
        }
        return found;
    };
    const bytes = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : null;
    const Native = window.WebSocket;
    const send = Native.prototype.send;
    Native.prototype.send = function (data) {
        const b = bytes(data);
        const sent = send.call(this, data);  // (a send that throws asked for nothing)
        if (b && fields(b).some(([field]) => field === 11)) runs.asked = ++runs.seq;
        return sent;
    };
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
                const b = bytes(event.data);
                const found = b ? fields(b) : [];
                if (found.some(([field]) => field === 4)) runs.started = ++runs.seq;
                if (found.some(([field, value]) => field === 6 && value !== 2)) {
                    runs.done = ++runs.seq;
                    runs.doneAt = performance.now();
                }
            });
        }
    };
})();
"""

# Idle: a run has started since the last one asked for (a run that ends just as the tab asks
# for the next does not count) and has ended, the frontend has drawn it as not running, and
# 50 ms have passed since (the frontend applies a run's last messages, and draws, after they
# arrive).
_IDLE = """() => {
    const runs = window.iaRuns;
    const app = document.querySelector('[data-testid=stApp]');
    return !!runs && runs.done > runs.started && runs.started > runs.asked
        && performance.now() - runs.doneAt > 50
        && app?.getAttribute('data-test-script-state') === 'notRunning';
}"""


def idle(page) -> None:
    """Wait until the app in ``page`` has finished every run it asked for."""
    page.wait_for_function(_IDLE, polling=25)
