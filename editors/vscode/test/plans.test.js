// The grammar on every plan in the repository's plans/: each line tokenizes, nothing is marked
// invalid (a word at the start of a line that starts no item), every item keyword and every
// comment gets its scope. Run by `npm test`.
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");
const oniguruma = require("vscode-oniguruma");
const textmate = require("vscode-textmate");

const root = path.resolve(__dirname, "..", "..", "..");
const grammarPath = path.join(__dirname, "..", "syntaxes", "rollplan.tmLanguage.json");

function plans(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return plans(full);
    return entry.name.endsWith(".roll") ? [full] : [];
  });
}

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      textmate.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
  });
  return registry.loadGrammar("source.rollplan");
}

const ITEM = /^(plan|attribute|flag|metric|invariant|on_fail|on_inconclusive|freeze|holiday|rollback|monitor|validate|communicate|contingency|phase)\b/;

const files = plans(path.join(root, "plans"));

test("there are plans to test", () => {
  assert.ok(files.length > 0, "no .roll file under plans/");
});

for (const file of files) {
  test(`grammar on ${path.relative(root, file)}`, async () => {
    const grammar = await loadGrammar();
    let state = textmate.INITIAL;
    const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
    lines.forEach((line, i) => {
      const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
      state = ruleStack;
      const where = `${path.relative(root, file)}:${i + 1}`;
      for (const t of tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        assert.ok(
          !t.scopes.some((s) => s.startsWith("invalid")),
          `${where}: \`${text}\` is marked invalid (${t.scopes.join(" ")})`,
        );
      }
      const first = tokens[0];
      const inString = first && first.scopes.some((s) => s.startsWith("string"));
      if (ITEM.test(line) && !inString) {
        assert.ok(
          first.scopes.some((s) => s.startsWith("storage.type") || s.startsWith("keyword")),
          `${where}: the item keyword has scopes ${first.scopes.join(" ")}`,
        );
      }
      if (/^\s*#/.test(line) && !inString) {
        const hash = tokens.find((t) => line.slice(t.startIndex, t.endIndex).includes("#"));
        assert.ok(
          hash.scopes.some((s) => s.startsWith("comment")),
          `${where}: a comment line is not scoped as a comment`,
        );
      }
    });
  });
}
