//! The editor notes in `editors/` agree with the binary: each starts `rollplan lsp` for `.roll`
//! files. (Neovim's note is run by a real Neovim in `tests/lsp/test_neovim.py`; the VS Code
//! grammar is tested by `npm test` in `editors/vscode`; Helix is not packaged here, so its
//! configuration is read, not run.)

use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn helix_starts_the_server_for_roll_files() {
    let config: toml::Table = toml::from_str(&read("editors/helix/languages.toml")).expect("TOML");
    let language = &config["language"].as_array().expect("[[language]]")[0];
    assert_eq!(language["name"].as_str(), Some("rollplan"));
    assert_eq!(
        language["file-types"].as_array().expect("file-types")[0].as_str(),
        Some("roll")
    );
    assert_eq!(language["comment-token"].as_str(), Some("#"));
    let server = &config["language-server"]["rollplan"];
    assert_eq!(server["command"].as_str(), Some("rollplan"));
    assert_eq!(
        server["args"].as_array().expect("args")[0].as_str(),
        Some("lsp")
    );
}

#[test]
fn vscode_contributes_the_language_grammar_and_server() {
    let package: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("JSON");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], "rollplan");
    assert_eq!(language["extensions"][0], ".roll");
    let grammar = &package["contributes"]["grammars"][0];
    let path = grammar["path"].as_str().expect("grammar path");
    let tm: serde_json::Value = serde_json::from_str(&read(&format!(
        "editors/vscode/{}",
        path.trim_start_matches("./")
    )))
    .expect("grammar JSON");
    assert_eq!(tm["scopeName"], grammar["scopeName"]);
    let client = read("editors/vscode/extension.js");
    assert!(
        client.contains(r#"args: ["lsp"]"#),
        "the client starts `rollplan lsp`"
    );
    let configuration: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/language-configuration.json")).expect("JSON");
    assert_eq!(configuration["comments"]["lineComment"], "#");
}
