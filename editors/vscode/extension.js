// The rollplan extension: `.roll` files get the TextMate grammar (syntaxes/) and the language
// server, `rollplan lsp`, started from the `rollplan` on PATH or `rollplan.server.path`.
const { workspace } = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = workspace.getConfiguration("rollplan").get("server.path") || "rollplan";
  client = new LanguageClient(
    "rollplan",
    "rollplan",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "rollplan" }] },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
