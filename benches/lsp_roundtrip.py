#!/usr/bin/env python3
"""`rollplan lsp` timed from outside, over stdio, as an editor sees it: from sending a
`didChange` to receiving its `publishDiagnostics`, and the round trip of a hover and a
completion, on the 5,000-line synthetic plan of benches/lsp.rs. Not a test: it prints medians.

    cargo build --release && cargo run --release --example synth -- --phases 165 --flags 100 --seed 1 > /tmp/p165.roll
    python3 benches/lsp_roundtrip.py target/release/rollplan /tmp/p165.roll
"""

import json
import statistics
import subprocess
import sys
import time


class Server:
    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0

    def send(self, message):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = 0
        while (line := self.process.stdout.readline().strip()) != b"":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def wait_for(self, method):
        while (message := self.receive()).get("method") != method:
            pass
        return message

    def stop(self):
        self.request("shutdown", None)
        self.send({"method": "exit"})
        self.process.wait(timeout=10)


def main():
    binary, plan = sys.argv[1], sys.argv[2]
    text = open(plan, encoding="utf-8").read()
    uri = "file:///bench/synth.roll"
    server = Server(binary)
    server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "rollplan", "version": 1, "text": text}}})
    server.wait_for("textDocument/publishDiagnostics")

    at = text.rfind("  duration ")
    end = text.index("\n", at)
    edits = []
    for version in range(2, 32):
        edited = text[:at] + f"  duration {version}d" + text[end:]
        start = time.perf_counter()
        server.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": edited}]}})
        server.wait_for("textDocument/publishDiagnostics")
        edits.append(time.perf_counter() - start)

    set_at = text.index("  set ", len(text) * 9 // 10)
    line = text.count("\n", 0, set_at)
    position = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 7}}
    hovers, completions = [], []
    for _ in range(50):
        start = time.perf_counter()
        assert server.request("textDocument/hover", position)["result"]
        hovers.append(time.perf_counter() - start)
        start = time.perf_counter()
        server.request("textDocument/completion", {**position, "position": {"line": line, "character": 6}})
        completions.append(time.perf_counter() - start)
    server.stop()

    ms = lambda xs: f"{statistics.median(xs) * 1000:.2f} ms (min {min(xs) * 1000:.2f}, max {max(xs) * 1000:.2f})"
    print(f"{text.count(chr(10))} lines")
    print(f"didChange -> publishDiagnostics: {ms(edits)} over {len(edits)} edits")
    print(f"hover round trip:                {ms(hovers)}")
    print(f"completion round trip:           {ms(completions)}")


if __name__ == "__main__":
    main()
