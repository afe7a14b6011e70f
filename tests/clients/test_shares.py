"""Percentage rollouts through the real clients.

For every plan in `plans/` (and `tests/clients/plans/`) that gives values to shares of units
(`for 5% of early`), 100,000 synthetic units (`user-0`, `user-1`, …) are evaluated in every
phase through the flagd provider, the LaunchDarkly SDK and the Unleash client, from the files
`rollplan emit` wrote. A unit's bucketing attributes hold its id; the attributes the rules test
take, unit by unit in turn, each value a rule names, a value none names, and absence (so every
context class the plan distinguishes has a third or more of the units). Required:

- each flag's measured share, in each context, lies within 5 sigma (binomial) of the plan's,
  and every unit outside the share gets the `else` value;
- a unit inside a share is inside every larger share of the same bucketing: in every later
  phase (a ramp only adds units) and for every flag of the cohort (shares nest);
- so every invariant of the plan holds for every unit in every phase;
- on a copy of `payments-canary.roll` whose `payments.ledger_v2` is bucketed `by user.id`,
  which `check` rejects, the measured share of units that break the invariant lies within
  5 sigma of the share `check` printed, in each context it names (`when region != "eu"`),
  else in the context where it is largest.

Only flags whose setting in a phase has a share are evaluated per unit (the others give every
unit of a context one value, which `test_clients.py` checks); a flag's values are reused where
its definition does not change, so each distinct rollout costs one pass over the units, and
the units are split among up to four worker processes, each with its own client. The suite's
own fixtures (`tests/clients/plans/`), there to cover shapes, get 20,000 units per phase.
"""

import concurrent.futures
import itertools
import json
import math
import multiprocessing
import os
import re
import subprocess

import pytest

from conftest import ROOT, Emitted, plans, rollplan_binary
from formula import formula, invariants_of
from test_clients import ABSENT, OTHER_STRING, Flagd, LaunchDarkly, Unleash, nested, same, str_value

# Units per phase; `ROLLPLAN_SHARE_UNITS` lowers it for a quick local run (CI keeps 100,000).
UNITS = int(os.environ.get("ROLLPLAN_SHARE_UNITS", "100000"))
SIGMA = 5.0


# ---- the plan's meaning, from the JSON contract ------------------------------------------------


def has_share(setting) -> bool:
    return isinstance(setting, dict) and any(
        "percent" in r and not same(r["value"], setting["default"]) for r in setting["rules"]
    )


def holds(when: dict, context: dict) -> bool:
    value = context.get(when["attribute"], ABSENT)
    if when["op"] == "==":
        return value is not ABSENT and same(value, when["value"])
    if when["op"] == "!=":
        return value is ABSENT or not same(value, when["value"])
    if when["op"] == "in":
        return value is not ABSENT and any(same(value, v) for v in when["value"])
    raise AssertionError(f"unknown op {when['op']!r}")


def deciding(setting, context: dict):
    """The rule that decides in a context, or None where the default (or a fixed value) does."""
    if not isinstance(setting, dict):
        return None
    for rule in setting["rules"]:
        if "when" not in rule or holds(rule["when"], context):
            return rule
    return None


def bucketing_key(flag: str, rule: dict):
    """Units nest across every share of one bucketing: a cohort, or one flag's own."""
    b = rule["bucketing"]
    return ("cohort", b["cohort"]) if "cohort" in b else ("flag", flag, b["attribute"])


def contexts_of(contract: dict) -> list[dict]:
    """The unit contexts: every combination of each tested attribute's named values, a value
    none names, and absence; unit n has context n modulo their number."""
    named: dict[str, list] = {}
    for phase in contract["phases"]:
        for setting in phase["flags"].values():
            if not isinstance(setting, dict):
                continue
            for rule in (r for r in setting["rules"] if "when" in r):
                when = rule["when"]
                values = when["value"] if when["op"] == "in" else [when["value"]]
                seen = named.setdefault(when["attribute"], [])
                seen.extend(v for v in values if not any(same(v, s) for s in seen))
    choices = []
    for attribute, values in sorted(named.items()):
        sample = values[0]
        if isinstance(sample, bool):
            extra = [b for b in (True, False) if not any(same(b, v) for v in values)]
        elif isinstance(sample, int):
            extra = [max(values) + 1000]
        else:
            extra = [OTHER_STRING]
        choices.append([(attribute, v) for v in [ABSENT, *values, *extra]])
    return [
        {a: v for a, v in picked if v is not ABSENT} for picked in itertools.product(*choices)
    ]


def bucketing_attributes(contract: dict) -> list[str]:
    found = set()
    for phase in contract["phases"]:
        for setting in phase["flags"].values():
            if isinstance(setting, dict):
                found.update(r["bucketing"]["attribute"] for r in setting["rules"] if "percent" in r)
    return sorted(found)


# ---- the clients, one unit at a time -----------------------------------------------------------


def evaluator(client, attributes: list[str]):
    """(flag, default, uid, context) -> value through the client's public evaluation API."""
    if isinstance(client, Flagd):
        from openfeature.evaluation_context import EvaluationContext

        provider = client.provider

        def flagd(flag, default, uid, context):
            ctx = EvaluationContext(
                targeting_key=uid, attributes=nested({**{a: uid for a in attributes}, **context})
            )
            if isinstance(default, bool):
                return provider.resolve_boolean_details(flag, default, ctx).value
            if isinstance(default, int):
                return provider.resolve_integer_details(flag, default, ctx).value
            return provider.resolve_string_details(flag, default, ctx).value

        return flagd
    if isinstance(client, LaunchDarkly):
        from ldclient import Context

        def launchdarkly(flag, default, uid, context):
            builder = Context.builder(uid)
            for a in attributes:
                builder.set(a, uid)
            for name, value in context.items():
                builder.set(name, value)
            return client.client.variation(flag, builder.build(), default)

        return launchdarkly

    def unleash(flag, default, uid, context):
        properties = {a: uid for a in attributes}
        properties.update({k: str_value(v) for k, v in context.items()})
        ctx = {"userId": uid, "properties": properties}
        if isinstance(default, bool):
            return client.client.is_enabled(flag, ctx)
        variant = client.client.get_variant(flag, ctx)
        payload = variant.get("payload", {}) if variant.get("enabled") else {}
        text = payload.get("value")
        return int(text) if payload.get("type") == "number" else text

    return unleash


def evaluate_units(client_class, path, attributes, contexts, defaults, start, stop):
    """One worker's part: the values of `defaults`' flags for units `start..stop`, through a
    client of its own loaded from `path`."""
    client = client_class(path)
    try:
        evaluate = evaluator(client, attributes)
        return {
            flag: [
                evaluate(flag, default, f"user-{u}", contexts[u % len(contexts)])
                for u in range(start, stop)
            ]
            for flag, default in defaults.items()
        }
    finally:
        client.close()


def workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class Measured:
    """Every unit's value of every flag with a share, in every phase, through one client.
    The units are split among worker processes, each with its own client (the clients
    evaluate in Python, one unit at a time)."""

    # (client, flag, definition, contexts, attributes, units) -> values, shared by every plan.
    cache: dict = {}

    def __init__(self, emitted: Emitted, client_class, pool, units: int = UNITS):
        self.emitted = emitted
        self.client = client_class
        self.units = units
        contract = emitted.contract
        self.contexts = contexts_of(contract)
        self.attributes = bucketing_attributes(contract)
        self.phases = contract["phases"]
        width = max(2, len(str(len(self.phases))))
        self.values: list[dict[str, list]] = []
        for n, phase in enumerate(self.phases, start=1):
            path = emitted.out / f"{n:0{width}d}-{phase['id']}.{client_class.suffix}"
            definitions = json.loads(path.read_text())
            shared = {
                flag: setting for flag, setting in phase["flags"].items() if has_share(setting)
            }
            keys = {
                flag: (
                    client_class.name,
                    flag,
                    json.dumps(definition(client_class, definitions, flag), sort_keys=True),
                    json.dumps(self.contexts, sort_keys=True),
                    tuple(self.attributes),
                    units,
                )
                for flag in shared
            }
            defaults = {
                flag: shared[flag]["default"] for flag in shared if keys[flag] not in Measured.cache
            }
            if defaults:
                step = -(-units // workers())
                parts = [
                    pool.submit(
                        evaluate_units, client_class, path, self.attributes, self.contexts,
                        defaults, start, min(units, start + step),
                    )
                    for start in range(0, units, step)
                ]
                results = [part.result() for part in parts]
                for flag in defaults:
                    Measured.cache[keys[flag]] = [v for r in results for v in r[flag]]
            self.values.append({flag: Measured.cache[keys[flag]] for flag in shared})

    def context(self, unit: int) -> dict:
        return self.contexts[unit % len(self.contexts)]

    def value(self, phase: int, flag: str, unit: int):
        """The unit's value: measured for a flag with a share, else the plan's one value."""
        measured = self.values[phase].get(flag)
        if measured is not None:
            return measured[unit]
        setting = self.phases[phase]["flags"][flag]
        rule = deciding(setting, self.context(unit))
        if rule is None:
            return setting["default"] if isinstance(setting, dict) else setting
        return rule["value"]


def definition(client_class, document: dict, flag: str):
    """A flag's own definition in a client file: what its values depend on."""
    if client_class is Unleash:
        return next(f for f in document["features"] if f["name"] == flag)
    return document["flags"][flag]


# ---- what is measured --------------------------------------------------------------------------


def bound(n: int, p: float) -> float:
    return SIGMA * math.sqrt(n * p * (1 - p))


def share_failures(m: Measured) -> list[str]:
    """Each flag's share within 5 sigma of the plan's, per context; the rest gets `else`."""
    failures = []
    for i, phase in enumerate(m.phases):
        for flag, values in m.values[i].items():
            setting = phase["flags"][flag]
            for c, context in enumerate(m.contexts):
                units = range(c, m.units, len(m.contexts))
                rule = deciding(setting, context)
                if rule is None or "percent" not in rule:
                    want = setting["default"] if rule is None else rule["value"]
                    wrong = sum(1 for u in units if not same(values[u], want))
                    if wrong:
                        failures.append(f"{phase['id']} {flag} {context}: {wrong} units not {want!r}")
                    continue
                inside = sum(1 for u in units if same(values[u], rule["value"]))
                rest = sum(1 for u in units if same(values[u], setting["default"]))
                n, p = len(units), rule["percent"] / 100
                if inside + rest != n:
                    failures.append(f"{phase['id']} {flag} {context}: {n - inside - rest} units got another value")
                if abs(inside - n * p) > bound(n, p):
                    failures.append(
                        f"{phase['id']} {flag} {context}: {inside} of {n} units inside, "
                        f"plan {rule['percent']}% (5 sigma: {bound(n, p):.1f})"
                    )
    return failures


def observations(m: Measured) -> dict:
    """Per bucketing: (percent, units of the context, units inside, where) for each phase, flag
    and context whose deciding rule has a share of that bucketing."""
    out: dict = {}
    for i, phase in enumerate(m.phases):
        for flag, values in m.values[i].items():
            setting = phase["flags"][flag]
            for c, context in enumerate(m.contexts):
                rule = deciding(setting, context)
                if rule is None or "percent" not in rule:
                    continue
                units = set(range(c, m.units, len(m.contexts)))
                inside = {u for u in units if same(values[u], rule["value"])}
                where = f"{phase['id']} {flag} {context}"
                out.setdefault(bucketing_key(flag, rule), []).append(
                    (rule["percent"], units, inside, where)
                )
    return out


def nesting_failures(m: Measured) -> list[str]:
    """A unit inside a share is inside every larger (or equal) share of the same bucketing."""
    failures = []
    for key, seen in observations(m).items():
        for (p1, _, in1, w1), (p2, units2, in2, w2) in itertools.permutations(seen, 2):
            if p1 <= p2:
                out = (in1 & units2) - in2
                if out:
                    failures.append(
                        f"{key}: {len(out)} units inside {p1}% ({w1}) but not {p2}% ({w2}), "
                        f"e.g. user-{min(out)}"
                    )
    return failures


def broken_shares(m: Measured, text: str) -> dict:
    """{(invariant, phase id): [(context, broken units, units)]} over every unit."""
    flags = list(m.phases[0]["flags"])
    out = {}
    for name, source in invariants_of(text):
        predicate = formula(source)
        for i, phase in enumerate(m.phases):
            rows = []
            for c, context in enumerate(m.contexts):
                units = range(c, m.units, len(m.contexts))
                broken = sum(
                    1 for u in units if not predicate({f: m.value(i, f, u) for f in flags})
                )
                rows.append((context, broken, len(units)))
            out[(name, phase["id"])] = rows
    return out


# ---- the tests ---------------------------------------------------------------------------------


CLIENTS = [Flagd, LaunchDarkly, Unleash]


def plans_with_shares() -> list[str]:
    return [str(p) for p in plans() if re.search(r"\bfor\s+[0-9.]+%", (ROOT / p).read_text())]


@pytest.fixture(scope="module")
def pool():
    # Spawned, not forked: the suite's other clients run threads in this process.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers(), mp_context=context) as executor:
        yield executor


@pytest.fixture(scope="module")
def measured(emitted, pool):
    cache = {}

    def get(plan: str, client) -> Measured:
        if (plan, client) not in cache:
            # The plans shipped in plans/ get 100,000 units per phase; the suite's own
            # fixtures, which exist to cover shapes, a fifth of that.
            units = UNITS if plan.startswith("plans/") else UNITS // 5
            cache[(plan, client)] = Measured(emitted[plan], client, pool, units)
        return cache[(plan, client)]

    return get


def test_the_invariant_reader_means_what_check_means():
    implies = formula("payments.ledger_v2 -> payments.v2")
    assert [implies({"payments.ledger_v2": a, "payments.v2": b})
            for a, b in itertools.product([False, True], repeat=2)] == [True, True, False, True]
    scoped = formula('!(mode == "new" && on) || limit != 3')
    assert scoped({"mode": "new", "on": True, "limit": 3}) is False
    assert scoped({"mode": "old", "on": True, "limit": 3}) is True
    with pytest.raises(AssertionError):
        formula("a < 3")
    assert invariants_of('invariant x: a -> b "why"\ninvariant y: !c\n') == [
        ("x", "a -> b"), ("y", "!c")
    ]


def test_there_are_plans_with_shares():
    assert "plans/examples/payments-canary.roll" in plans_with_shares()


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.name)
@pytest.mark.parametrize("plan", plans_with_shares())
def test_shares_nest_and_keep_every_invariant_for_every_unit(measured, plan, client):
    m = measured(plan, client)
    assert any(m.values), f"{plan}: no flag with a share was evaluated"
    failures = share_failures(m) + nesting_failures(m)
    for (name, phase), rows in broken_shares(m, (ROOT / plan).read_text()).items():
        for context, broken, n in rows:
            if broken:
                failures.append(f"invariant {name} broken in {phase} {context} for {broken} of {n} units")
    assert not failures, f"{client.name} on {plan}:\n" + "\n".join(failures[:30])


INDEPENDENT = "payments-independent"


@pytest.fixture(scope="module")
def independent(tmp_path_factory):
    """The payments canary with `payments.ledger_v2` bucketed on its own: the plan `check`
    rejects (its diagnostics), and the same plan without the invariant, emitted."""
    text = (ROOT / "plans/examples/payments-canary.roll").read_text()
    copy = re.sub(
        r"^(\s*set payments\.ledger_v2 = .*?) of early",
        r"\1 by user.id",
        text,
        flags=re.M,
    )
    assert copy.count("by user.id") >= 4, "the ledger's rules were not rebucketed"
    folder = tmp_path_factory.mktemp(INDEPENDENT)
    rejected = folder / f"{INDEPENDENT}.roll"
    rejected.write_text(copy)
    done = subprocess.run(
        [str(rollplan_binary()), "check", "--format", "json", str(rejected)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1, f"check accepted the independent copy:\n{done.stdout}{done.stderr}"
    diagnostics = json.loads(done.stdout)["diagnostics"]
    emittable = folder / "plans" / f"{INDEPENDENT}.roll"
    emittable.parent.mkdir()
    emittable.write_text(re.sub(r"^invariant .*$", "", copy, flags=re.M))
    return copy, diagnostics, Emitted(emittable, folder / "out")


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.name)
def test_independent_bucketing_breaks_the_invariant_for_the_share_check_printed(
    independent, pool, client
):
    text, diagnostics, emitted = independent
    printed = {}
    for d in diagnostics:
        if d["code"] != "rollplan::invariant_violated":
            continue
        found = re.search(
            r"invariant `(\w+)` is broken in phase `(\w+)` for ([0-9.]+)% of units"
            r'(?: when (\S+) (==|!=) "([^"]*)")?$',
            d["message"],
        )
        assert found, f"no share in {d['message']!r}"
        when = found[4] and {"attribute": found[4], "op": found[5], "value": found[6]}
        printed[(found[1], found[2])] = (float(found[3]) / 100, when)
    assert len(printed) >= 3, printed
    m = Measured(emitted, client, pool)
    failures = []
    for key, rows in broken_shares(m, text).items():
        share, when = printed.get(key, (0.0, None))
        if share == 0.0:
            failures += [f"{key} {c}: {b} units break it, check printed none" for c, b, _ in rows if b]
            continue
        # check prints the largest share over the context classes, and names them when they
        # are not all: the measured share in each named context (else in the worst) matches.
        named = [r for r in rows if when and holds(when, r[0])]
        for context, broken, n in named or [max(rows, key=lambda r: r[1] / r[2])]:
            if abs(broken - n * share) > bound(n, share):
                failures.append(
                    f"{key}: {broken} of {n} units break it in {context}, check printed "
                    f"{share:.4%} (5 sigma: {bound(n, share):.1f} units)"
                )
    assert not failures, f"{client.name}:\n" + "\n".join(failures)
