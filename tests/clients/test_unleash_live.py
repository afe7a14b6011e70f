"""`rollplan apply` and `status --target unleash` against a real Unleash server, checked by the
real Unleash client fetching from that server.

`.ci/unleash.sh` starts PostgreSQL and unleash-server 7.4.1 and runs this file with
UNLEASH_URL, UNLEASH_API_TOKEN (admin), UNLEASH_CLIENT_TOKEN (backend) and RUN_DIR set; without
them every test here is skipped (as under `.ci/clients.sh`). The tests share one server and run
in file order: each starts by applying the state it needs.
"""

import http.client
import http.server
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import ROOT, rollplan_binary
from test_clients import expected, str_value

URL = os.environ.get("UNLEASH_URL")
pytestmark = pytest.mark.skipif(not URL, reason="no Unleash server (run .ci/unleash.sh)")

PLAN = "plans/entity.roll"
PHASES = ["development", "read_only", "full_production", "entity_repository", "completion"]
# No context, and the two HTTP methods the plan's scoped setting tells apart.
CONTEXTS = [{}, {"http.method": "GET"}, {"http.method": "POST"}]
# Changes reach /api/client/features up to about 1.5 s later.
PROPAGATION_S = 10.0


def rollplan(*args, token=None, url=None, plan=PLAN):
    env = dict(os.environ, NO_COLOR="1")
    env["UNLEASH_API_TOKEN"] = token if token is not None else os.environ["UNLEASH_API_TOKEN"]
    return subprocess.run(
        [str(rollplan_binary()), *args, "--target", "unleash", "--url", url or URL, plan],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def apply(phase, **kw):
    return rollplan("apply", "--phase", phase, **kw)


def status(**kw):
    done = rollplan("status", "--format", "json", **kw)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def contract(plan=PLAN):
    done = subprocess.run(
        [str(rollplan_binary()), "emit", "--target", "json", plan],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return {p["id"]: p for p in json.loads(done.stdout)["phases"]}


def start_flags():
    """Every flag of the entity plan is declared `= false`."""
    return {f: False for f in contract()["development"]["flags"]}


def client_values() -> dict:
    """Every flag in every context, as a fresh Unleash client fetching from the server sees it."""
    from UnleashClient import UnleashClient
    from UnleashClient.cache import FileCache

    with tempfile.TemporaryDirectory() as folder:
        client = UnleashClient(
            url=f"{URL}/api",
            app_name="rollplan-live",
            custom_headers={"Authorization": os.environ["UNLEASH_CLIENT_TOKEN"]},
            cache=FileCache("rollplan-live", directory=folder),
            disable_metrics=True,
            disable_registration=True,
            refresh_interval=3600,
        )
        client.initialize_client()
        try:
            names = contract()["development"]["flags"]
            return {
                (flag, json.dumps(ctx, sort_keys=True)): client.is_enabled(
                    flag,
                    {"userId": "u1", "properties": {k: str_value(v) for k, v in ctx.items()}},
                )
                for flag in names
                for ctx in CONTEXTS
            }
        finally:
            client.destroy()


def wanted_values(flags: dict) -> dict:
    """The entity plan gives every unit of a context one value (it has no shares)."""
    wanted = {}
    for flag, setting in flags.items():
        for ctx in CONTEXTS:
            (value,) = expected(setting, ctx)
            wanted[(flag, json.dumps(ctx, sort_keys=True))] = value
    return wanted


def client_sees(flags: dict):
    """Polls until the client's values equal the plan's `flags` in every context."""
    want = wanted_values(flags)
    deadline = time.monotonic() + PROPAGATION_S
    while True:
        got = client_values()
        if got == want:
            return
        if time.monotonic() > deadline:
            wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
            raise AssertionError(f"client (got, wanted) after {PROPAGATION_S} s: {wrong}")
        time.sleep(0.3)


def invariants_hold(values: dict):
    """The entity plan's five invariants, written out, in every context the client saw."""
    for ctx in CONTEXTS:
        key = json.dumps(ctx, sort_keys=True)
        v = {flag.split(".")[1]: values[(flag, key)] for flag, k in values if k == key}
        assert not (
            v["relationships_enabled"] or v["dual_write_enabled"] or v["handler_enabled"]
            or v["based_repository_enabled"]
        ) or v["enabled"], (ctx, v)
        assert not v["dual_write_enabled"] or v["relationships_enabled"], (ctx, v)
        assert not v["handler_enabled"] or v["relationships_enabled"], (ctx, v)
        assert not v["based_repository_enabled"] or v["handler_enabled"], (ctx, v)
        assert not (v["handler_enabled"] and not v["dual_write_enabled"]) or v[
            "based_repository_enabled"
        ], (ctx, v)


def import_document(phase):
    """`emit --target unleash-import` of one phase."""
    done = subprocess.run(
        [str(rollplan_binary()), "emit", "--target", "unleash-import", "--phase", phase, PLAN],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def server_export():
    """The server's own export of the plan's flags in `development`."""
    names = list(contract()["development"]["flags"])
    return admin("POST", "/features-batch/export", {"features": names, "environment": "development"})


def comparable(doc):
    """An export/import document without ids, order or server-only fields."""
    features = sorted(
        json.dumps({k: f[k] for k in ("name", "description", "type", "project", "stale",
                                       "impressionData", "archived")}, sort_keys=True)
        for f in doc["features"]
    )
    strategies = sorted(
        json.dumps({k: s.get(k) for k in ("featureName", "name", "parameters", "variants",
                                           "segments", "disabled")}
                   | {"constraints": sorted(json.dumps(c, sort_keys=True) for c in s["constraints"])},
                   sort_keys=True)
        for s in doc["featureStrategies"]
    )
    environments = sorted(
        (e["featureName"], e["environment"], e["enabled"]) for e in doc["featureEnvironments"]
    )
    return features, strategies, environments


def admin(method, path, body=None):
    request = urllib.request.Request(
        f"{URL}/api/admin{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": os.environ["UNLEASH_API_TOKEN"],
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
        return json.loads(text) if text else None


# ---- the tests, in order ----------------------------------------------------------------------


def test_a_wrong_token_is_refused_clearly_and_changes_nothing():
    before = status()
    done = apply("development", token="*:*.not-the-token")
    assert done.returncode == 2, done
    assert "rollplan::unleash_unauthorized" in done.stderr, done.stderr
    assert "not-the-token" not in done.stdout + done.stderr
    assert status() == before


def test_every_phase_in_turn_reaches_the_client_exactly_as_the_plan_says():
    phases = contract()
    assert apply("start").returncode == 0
    client_sees(start_flags())
    for phase in PHASES:
        done = apply(phase)
        assert done.returncode == 0, done.stderr
        client_sees(phases[phase]["flags"])
        code, doc = status()
        assert code == 0, doc
        assert phase in [m["phase"] for m in doc["matches"]], doc
        again = apply(phase)
        assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout
        assert comparable(import_document(phase)) == comparable(server_export()), phase


def test_dry_run_sends_nothing():
    assert apply("entity_repository").returncode == 0
    done = rollplan("apply", "--phase", "full_production", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "entity.based_repository_enabled" in done.stdout, done.stdout
    code, doc = status()
    assert "entity_repository" in [m["phase"] for m in doc["matches"]], doc


def test_rollback_from_phase_3_to_phase_2_is_seen_by_the_client():
    phases = contract()
    for phase in PHASES[:3]:
        assert apply(phase).returncode == 0
    client_sees(phases["full_production"]["flags"])
    # The live flags say which phase runs; --started gives only the time.
    done = rollplan(
        "status", "--format", "json",
        "--started", "2026-12-22T09:00:00Z", "--at", "2026-12-30T09:00:00Z",
    )
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)["decision"]
    assert decision["phase"]["id"] == "full_production", decision
    assert decision["action"] == "keep_running", decision
    # Phase 3's rollback target is the previous phase, as `emit` writes it.
    rollback = phases["full_production"]["rollback"]
    assert rollback["to"] == "read_only"
    done = apply("read_only")
    assert done.returncode == 0, done.stderr
    client_sees(phases["read_only"]["flags"])
    code, doc = status()
    assert code == 0 and "read_only" in [m["phase"] for m in doc["matches"]], doc


def test_a_hand_edit_is_reported_as_drift_and_apply_repairs_it():
    phases = contract()
    assert apply("development").returncode == 0
    assert apply("read_only").returncode == 0
    # A person switches the entity-based repository on for everyone, as the UI does it: a
    # 100 % flexibleRollout strategy, then the environment on.
    flag = "/projects/default/features/entity.based_repository_enabled/environments/development"
    admin(
        "POST",
        f"{flag}/strategies",
        {
            "name": "flexibleRollout",
            "parameters": {"rollout": "100", "stickiness": "default", "groupId": "by-hand"},
            "constraints": [],
        },
    )
    admin("POST", f"{flag}/on", {})
    code, doc = status()
    assert code == 1 and doc["drift"], doc
    assert doc["closest"]["phase"] == "read_only", doc
    assert doc["differences"] == [
        {"flag": "entity.based_repository_enabled", "live": "true", "plan": "false"}
    ], doc
    assert doc["broken_invariants"] == ["repository_needs_handlers"], doc
    human = rollplan("status")
    assert human.returncode == 1 and "entity.based_repository_enabled" in human.stdout, human
    done = apply("read_only")
    assert done.returncode == 0, done.stderr
    assert "entity.based_repository_enabled: true -> false" in done.stdout, done.stdout
    code, doc = status()
    assert code == 0, doc
    client_sees(phases["read_only"]["flags"])


class Killer(http.server.ThreadingHTTPServer):
    """A proxy in front of Unleash that kills the server (SIGKILL) once it has carried out the
    `after`-th request that changes something; later requests get their connection closed."""

    def __init__(self, after: int):
        self.after = after
        self.writes = 0
        self.killed = False
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Relay)


class Relay(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def relay(self):
        server: Killer = self.server
        if server.killed:
            self.close_connection = True
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection("127.0.0.1", int(os.environ["UNLEASH_PORT"]), timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        if self.command != "GET":
            with server.lock:
                server.writes += 1
                if server.writes == server.after:
                    # The server has done this change; it dies before rollplan hears so.
                    kill_unleash()
                    server.killed = True
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = relay


PAYMENTS = "plans/examples/payments-canary.roll"


def share_seen(flag: str, units: int, context: dict) -> int:
    """How many of `units` units a fresh client fetching from the server has `flag` on for."""
    from UnleashClient import UnleashClient
    from UnleashClient.cache import FileCache

    with tempfile.TemporaryDirectory() as folder:
        client = UnleashClient(
            url=f"{URL}/api",
            app_name="rollplan-live-shares",
            custom_headers={"Authorization": os.environ["UNLEASH_CLIENT_TOKEN"]},
            cache=FileCache("rollplan-live-shares", directory=folder),
            disable_metrics=True,
            disable_registration=True,
            refresh_interval=3600,
        )
        client.initialize_client()
        try:
            return sum(
                client.is_enabled(
                    flag,
                    {"userId": f"user-{u}", "properties": {"user.id": f"user-{u}", **context}},
                )
                for u in range(units)
            )
        finally:
            client.destroy()


def test_shares_are_applied_once_and_status_finds_their_phase():
    """Each phase of the payments canary, applied: the server keeps the `flexibleRollout`
    strategies as sent, `status` finds the phase, `apply` again has nothing to do, and a client
    fetching from the server turns the flag on for about the plan's share of units."""
    assert apply("start", plan=PAYMENTS).returncode == 0
    for phase in ["canary_1", "canary_5", "eu_first", "half", "everyone"]:
        done = apply(phase, plan=PAYMENTS)
        assert done.returncode == 0, done.stderr
        code, doc = status(plan=PAYMENTS)
        assert code == 0 and phase in [m["phase"] for m in doc["matches"]], (phase, doc)
        again = apply(phase, plan=PAYMENTS)
        assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout
    assert apply("half", plan=PAYMENTS).returncode == 0
    deadline = time.monotonic() + PROPAGATION_S
    units = 4000
    while True:
        on = share_seen("payments.v2", units, {"region": "us"})
        # 50% of early: 5 sigma of a binomial(4000, 0.5) is about 158 units.
        if abs(on - units / 2) <= 5 * (units * 0.25) ** 0.5:
            break
        assert time.monotonic() < deadline, f"{on} of {units} units on, plan 50%"
        time.sleep(0.3)


def kill_unleash():
    pid = int(open(os.path.join(os.environ["RUN_DIR"], "unleash.pid")).read())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def test_a_server_that_dies_midway_leaves_a_safe_state_and_a_rerun_completes():
    phases = contract()
    assert apply("start").returncode == 0
    proxy = Killer(after=3)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        # start -> full_production: four flags, each written while off and switched on.
        done = apply("full_production", url=f"http://127.0.0.1:{proxy.server_address[1]}")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert proxy.killed
    assert done.returncode == 2, done
    assert "rollplan::unleash_unreachable" in done.stderr, done.stderr
    assert "applied      1. entity.enabled" in done.stdout, done.stdout
    assert "not applied" in done.stdout and "stopped after 1 of 4" in done.stdout, done.stdout

    restart = subprocess.run([os.environ["UNLEASH_CI"], "start-unleash"], check=False)
    assert restart.returncode == 0
    code, doc = status()
    assert doc["broken_invariants"] == [], doc
    live = {f["flag"]: f["live"] for f in doc["flags"]}
    assert live["entity.enabled"] == "true" and live["entity.handler_enabled"] == "false", doc
    invariants_hold(client_values())

    done = apply("full_production")
    assert done.returncode == 0, done.stderr
    client_sees(phases["full_production"]["flags"])
    code, doc = status()
    assert code == 0 and "full_production" in [m["phase"] for m in doc["matches"]], doc
