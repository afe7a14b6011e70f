"""The invariants of a plan, read from its text and evaluated over one unit's flag values, for
`test_shares.py`: flags, `!`, `&&`, `||`, `->`, `==`/`!=` against literals, parentheses. A
formula outside that subset fails loudly, never silently true."""

import re

from test_clients import same


def invariants_of(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^invariant\s+(\w+)\s*:\s*(.+?)\s*(?:\"[^\"]*\")?\s*$", text, re.M)


def formula(text: str):
    """A predicate over {flag: value} for the formulas the plans with shares use: flags, `!`,
    `&&`, `||`, `->`, `==`/`!=` against literals, parentheses. Anything else fails loudly."""
    tokens = re.findall(r"->|&&|\|\||==|!=|[()!]|\"[^\"]*\"|[\w.]+", text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take(expected=None):
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, f"expected {expected} in {text!r}"
        pos += 1
        return token

    def literal(token):
        if token in ("true", "false"):
            return token == "true"
        if token.startswith('"'):
            return token[1:-1]
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        return token  # an enum variant, written bare

    def atom():
        if peek() == "!":
            take()
            inner = atom()
            return lambda v: not inner(v)
        if peek() == "(":
            take()
            inner = implication()
            take(")")
            return inner
        name = take()
        if name in ("true", "false"):
            return lambda v, b=(name == "true"): b
        if peek() in ("==", "!="):
            op = take()
            want = literal(take())
            return lambda v: same(v[name], want) == (op == "==")
        return lambda v: v[name] is True

    def conjunction():
        left = atom()
        while peek() == "&&":
            take()
            right = atom()
            left = (lambda a, b: lambda v: a(v) and b(v))(left, right)
        return left

    def disjunction():
        left = conjunction()
        while peek() == "||":
            take()
            right = conjunction()
            left = (lambda a, b: lambda v: a(v) or b(v))(left, right)
        return left

    def implication():
        left = disjunction()
        if peek() == "->":
            take()
            right = implication()
            return lambda v: (not left(v)) or right(v)
        return left

    predicate = implication()
    assert pos == len(tokens), f"cannot read invariant {text!r}: extend tests/clients/test_shares.py"
    return predicate
