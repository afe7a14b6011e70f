"""The emitted flagd, LaunchDarkly and Unleash files, handed to the real Python clients.

For every plan in `plans/` (and the fixtures in `tests/clients/plans/`), every phase and
rollback file, every flag: the client's value must equal the value the JSON contract
(`rollplan emit --target json`, tested against the model in Rust) gives, without context and in
every context built from the values the scoped settings name (and one they do not name). Each
client is also checked to have loaded every flag, since they all fail quietly: a refused file
or dropped toggle evaluates to the caller's default.
"""

import itertools
import json
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, plans, schema_dir

ABSENT = object()
OTHER_STRING = "rollplan-unnamed-value"


# ---- the reference: the JSON contract's meaning ----------------------------------------------


def same(a, b) -> bool:
    """Equality without Python's `True == 1`."""
    return type(a) is type(b) and a == b


ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def holds(when: dict, context: dict) -> bool:
    if "all" in when:
        return all(holds(w, context) for w in when["all"])
    if "any" in when:
        return any(holds(w, context) for w in when["any"])
    if "not" in when:
        return not holds(when["not"], context)
    value = context.get(when["attribute"], ABSENT)
    if when["op"] == "==":
        return value is not ABSENT and same(value, when["value"])
    if when["op"] == "!=":
        return value is ABSENT or not same(value, when["value"])
    if when["op"] == "in":
        return value is not ABSENT and any(same(value, v) for v in when["value"])
    if when["op"] in ORDER:
        return value is not ABSENT and ORDER[when["op"]](value, when["value"])
    raise AssertionError(f"unknown op {when['op']!r}")


def attribute_tests(when: dict):
    """Every attribute test of a condition."""
    for key in ("all", "any"):
        if key in when:
            for w in when[key]:
                yield from attribute_tests(w)
            return
    if "not" in when:
        yield from attribute_tests(when["not"])
        return
    yield when


def expected(setting, context: dict) -> list:
    """The values a unit in the context may get: one, or, where a rule gives its value to a
    share of the units (`percent`), that value and the default (which units get which is
    `test_shares.py`'s business)."""
    if not isinstance(setting, dict):
        return [setting]
    for rule in setting["rules"]:
        if "when" not in rule or holds(rule["when"], context):
            if "percent" in rule and not same(rule["value"], setting["default"]):
                return [rule["value"], setting["default"]]
            return [rule["value"]]
    return [setting["default"]]


def contexts(flags: dict) -> list[dict]:
    """No context, then every combination of absent / each named value / an unnamed value of
    each attribute the scoped settings test (one attribute at a time past 400 combinations)."""
    named: dict[str, list] = {}
    for setting in flags.values():
        if isinstance(setting, dict):
            for when in (
                t
                for rule in setting["rules"]
                if "when" in rule
                for t in attribute_tests(rule["when"])
            ):
                values = when["value"] if when["op"] == "in" else [when["value"]]
                if when["op"] in ORDER:
                    # Both sides of a constant an int is compared with.
                    values = [when["value"] - 1, when["value"], when["value"] + 1]
                seen = named.setdefault(when["attribute"], [])
                seen.extend(v for v in values if not any(same(v, s) for s in seen))
    choices = {}
    for attribute, values in sorted(named.items()):
        options = [ABSENT, *values]
        sample = values[0]
        if isinstance(sample, bool):
            options += [b for b in (True, False) if not any(same(b, v) for v in values)]
        elif isinstance(sample, int):
            options.append(max(values) + 1000)
        else:
            options.append(OTHER_STRING)
        choices[attribute] = options
    combos = 1
    for options in choices.values():
        combos *= len(options)
    out = [{}]
    if combos <= 400:
        for picked in itertools.product(*choices.values()):
            ctx = {a: v for a, v in zip(choices, picked) if v is not ABSENT}
            if ctx:
                out.append(ctx)
    else:
        for attribute, options in choices.items():
            out.extend({attribute: v} for v in options if v is not ABSENT)
    return out


# ---- the clients ------------------------------------------------------------------------------


def nested(context: dict) -> dict:
    """JSONLogic reads `http.method` as the path http -> method: nest dotted names."""
    out: dict = {}
    for name, value in context.items():
        *path, last = name.split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return out


class Flagd:
    name = "flagd"
    suffix = "flagd.json"

    def __init__(self, path: Path):
        from openfeature import api
        from openfeature.contrib.provider.flagd import FlagdProvider
        from openfeature.contrib.provider.flagd.config import ResolverType

        self.api = api
        self.provider = FlagdProvider(
            resolver_type=ResolverType.FILE, offline_flag_source_path=str(path)
        )
        # set_provider_and_wait raises when the provider refuses the file; set_provider hides it.
        api.set_provider_and_wait(self.provider)
        self.client = api.get_client()

    def loaded(self, names):
        return set(names)  # checked per evaluation below: an unknown flag is FLAG_NOT_FOUND

    def value(self, flag: str, wanted, context: dict):
        from openfeature.evaluation_context import EvaluationContext

        ctx = EvaluationContext(targeting_key="user-1", attributes=nested(context))
        if isinstance(wanted, bool):
            d = self.client.get_boolean_details(flag, not wanted, ctx)
        elif isinstance(wanted, int):
            d = self.client.get_integer_details(flag, wanted + 1, ctx)
        else:
            d = self.client.get_string_details(flag, wanted + "-default", ctx)
        problem = None
        if d.error_code is not None or str(d.reason).endswith("ERROR"):
            problem = f"error {d.error_code} ({d.error_message}), reason {d.reason}"
        return d.value, problem

    def close(self):
        self.api.shutdown()


class LaunchDarkly:
    name = "launchdarkly"
    suffix = "launchdarkly.json"

    def __init__(self, path: Path):
        from ldclient.client import LDClient
        from ldclient.config import Config
        from ldclient.integrations import Files

        # Not offline=True: every flag would then return the caller's default.
        config = Config(
            "sdk-key-unused",
            update_processor_class=Files.new_data_source(paths=[str(path)]),
            send_events=False,
        )
        self.client = LDClient(config=config)
        # A file that failed to load still looks ready, so is_initialized is not enough
        # alone: `loaded` compares the flag names too.
        assert self.client.is_initialized(), f"LaunchDarkly did not initialise from {path}"

    def loaded(self, names):
        from ldclient import Context

        state = self.client.all_flags_state(Context.builder("user-1").build())
        return set(state.to_values_map())

    def value(self, flag: str, wanted, context: dict):
        from ldclient import Context

        builder = Context.builder("user-1")
        for name, value in context.items():
            builder.set(name, value)
        d = self.client.variation_detail(flag, builder.build(), "rollplan-default")
        problem = None
        if d.reason.get("kind") == "ERROR":
            problem = f"reason {d.reason}"
        return d.value, problem

    def close(self):
        self.client.close()


class Unleash:
    name = "unleash"
    suffix = "unleash.json"

    def __init__(self, path: Path):
        from UnleashClient import UnleashClient
        from UnleashClient.cache import FileCache

        # A fresh cache folder per file: a shared one would serve the previous file's toggles.
        self.folder = tempfile.TemporaryDirectory()
        cache = FileCache("rollplan-clients", directory=self.folder.name)
        cache.bootstrap_from_file(path)
        self.client = UnleashClient(
            url="http://127.0.0.1:9",  # never contacted: fetch_toggles=False
            app_name="rollplan-clients",
            cache=cache,
            disable_metrics=True,
            disable_registration=True,
            refresh_interval=3600,
        )
        self.client.initialize_client(fetch_toggles=False)

    def loaded(self, names):
        # A toggle the engine cannot read is dropped silently: compare the names.
        return set(self.client.feature_definitions())

    def value(self, flag: str, wanted, context: dict):
        ctx = {"userId": "user-1", "properties": {k: str_value(v) for k, v in context.items()}}
        if isinstance(wanted, bool):
            return self.client.is_enabled(flag, ctx), None
        variant = self.client.get_variant(flag, ctx)
        if not variant.get("enabled"):
            return None, f"no variant ({variant})"
        payload = variant.get("payload", {})
        text = payload.get("value")
        if payload.get("type") == "number":
            return int(text), None
        return text, None

    def close(self):
        self.client.destroy()
        self.folder.cleanup()


def str_value(v) -> str:
    """Unleash context values are strings; booleans as the plan writes them."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


CLIENTS = [Flagd, LaunchDarkly, Unleash]


# ---- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.name)
@pytest.mark.parametrize("plan", [str(p) for p in plans()])
def test_client_evaluates_every_flag_as_the_plan_says(emitted, plan, client):
    e = emitted[plan]
    failures = []
    checked = 0
    for stem, flags in e.configurations():
        path = e.out / f"{stem}.{client.suffix}"
        assert path.is_file(), f"{path} was not emitted"
        c = client(path)
        try:
            missing = set(flags) - c.loaded(flags)
            assert not missing, f"{client.name} did not load {sorted(missing)} from {path.name}"
            for context in contexts(flags):
                for flag, setting in flags.items():
                    wants = expected(setting, context)
                    got, problem = c.value(flag, wants[0], context)
                    checked += 1
                    if problem or not any(same(got, w) for w in wants):
                        failures.append(
                            f"{path.name} {flag} in {context}: got {got!r}, want {wants!r}"
                            + (f" ({problem})" if problem else "")
                        )
        finally:
            c.close()
    assert not failures, f"{len(failures)} of {checked} evaluations differ:\n" + "\n".join(
        failures[:40]
    )
    assert checked > 0


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.name)
def test_client_agrees_with_rollplans_own_evaluation(emitted, client):
    """Compound conditions and int comparisons: every phase, every flag, every context of the
    grid in `conditions.expected.json`, which `tests/clients_expected.rs` writes from the
    model itself (not from the JSON contract)."""
    expected_values = json.loads((ROOT / "tests" / "clients" / "conditions.expected.json").read_text())
    e = emitted[expected_values["plan"]]
    failures = []
    checked = 0
    for stem, flags in expected_values["phases"].items():
        c = client(e.out / f"{stem}.{client.suffix}")
        try:
            for flag, values in flags.items():
                for context, want in zip(expected_values["contexts"], values, strict=True):
                    got, problem = c.value(flag, want, context)
                    checked += 1
                    if problem or not same(got, want):
                        failures.append(f"{stem} {flag} in {context}: got {got!r}, want {want!r}"
                                        + (f" ({problem})" if problem else ""))
        finally:
            c.close()
    assert not failures, f"{len(failures)} of {checked} evaluations differ:\n" + "\n".join(
        failures[:40]
    )
    assert checked > 1000


# The seed's five configuration tables (docs/entity-rollout-strategy.md), written out here
# rather than read from rollplan, so that the clients are checked against the source document.
SEED = {
    "development": [True, True, True, False, False],
    "read_only": [True, True, True, "GET-only", False],
    "full_production": [True, True, True, True, False],
    "entity_repository": [True, True, True, True, True],
    "completion": [True, True, False, True, True],
}
SEED_FLAGS = [
    "entity.enabled",
    "entity.relationships_enabled",
    "entity.dual_write_enabled",
    "entity.handler_enabled",
    "entity.based_repository_enabled",
]


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.name)
def test_entity_plan_matches_the_seed_tables(emitted, client):
    e = emitted["plans/entity.roll"]
    for n, (phase, row) in enumerate(SEED.items(), start=1):
        c = client(e.out / f"{n:02d}-{phase}.{client.suffix}")
        try:
            for flag, want in zip(SEED_FLAGS, row):
                for method in (None, "GET", "POST", "DELETE"):
                    context = {} if method is None else {"http.method": method}
                    value = (method == "GET") if want == "GET-only" else want
                    got, problem = c.value(flag, value, context)
                    assert problem is None, f"{phase} {flag} {context}: {problem}"
                    assert got is value, f"{phase} {flag} {context}: got {got!r}, want {value!r}"
        finally:
            c.close()


def test_flagd_files_are_valid_against_the_official_schema(emitted):
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    folder = schema_dir()
    resources = []
    for name in ("flags.json", "flagd.json", "targeting.json"):
        schema = json.loads((folder / name).read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    validator = Draft7Validator(
        {"$ref": "https://flagd.dev/schema/v0/flags.json"}, registry=registry
    )
    # The validator must be able to fail: a flag with a bad state is refused.
    bad = {"flags": {"x": {"state": "MAYBE", "variants": {"on": True}, "defaultVariant": "on"}}}
    assert list(validator.iter_errors(bad)), "the schema accepted an invalid flag"
    count = 0
    for e in emitted.values():
        for path in sorted(e.out.glob("*.flagd.json")):
            errors = [f"{list(err.path)}: {err.message}" for err in validator.iter_errors(json.loads(path.read_text()))]
            assert not errors, f"{path.name} is not valid flagd:\n" + "\n".join(errors)
            count += 1
    assert count > 0


def test_json_contract_is_valid_against_its_schema(emitted):
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "docs" / "emit.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    # The schema must be able to fail: a scoped value without rules is refused.
    bad = {"plan": "p", "source": "p.roll", "generated_by": "generated by rollplan: do not edit",
           "phases": [{"id": "a", "title": "A", "flags": {"x": {"default": True, "rules": []}}}]}
    assert list(validator.iter_errors(bad)), "the schema accepted a scoped value without rules"
    count = 0
    for e in emitted.values():
        documents = [("stdout", e.contract)]
        documents += [(p.name, json.loads(p.read_text())) for p in sorted(e.out.glob("*.json"))
                      if p.name.count(".") == 1 or p.name.endswith(".rollback.json")]
        for name, doc in documents:
            errors = [f"{list(err.path)}: {err.message}" for err in validator.iter_errors(doc)]
            assert not errors, f"{e.plan} {name} breaks docs/emit.schema.json:\n" + "\n".join(errors)
            count += 1
    assert count > 2
