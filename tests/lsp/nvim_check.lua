-- Headless Neovim with its built-in LSP client attached to `rollplan lsp` by the editor note
-- editors/neovim/rollplan.lua: opens the plan given on the command line, waits for diagnostics,
-- asks for a hover, and writes what it received to $OUT as JSON (diagnostics, hover, filetype,
-- the server's pid). Run by tests/lsp/test_neovim.py.
local out = os.getenv("OUT")
local rollplan = os.getenv("ROLLPLAN")
local result = { diagnostics = {}, hover = nil, pid = nil, error = nil }

local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end

-- The editor note, as a user would install it.
vim.g.rollplan_cmd = rollplan
dofile(os.getenv("PLUGIN"))

local function rollplan_client()
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  for _, c in ipairs(clients) do
    if c.name == "rollplan" then
      return c
    end
  end
end

-- The init file runs before the file named on the command line is loaded: go on at VimEnter,
-- once the plugin's autocommands have attached the server to it.
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
  local bufnr = vim.api.nvim_get_current_buf()
  -- Neovim 0.7 lists a client only once it is initialised.
  vim.wait(10000, function()
    return rollplan_client() ~= nil
  end, 50)
  local client = rollplan_client()
  if not client then
    result.error = "the plugin did not start the server (filetype: " .. vim.bo.filetype .. ")"
    finish()
    return
  end
  result.pid = client.rpc.pid
  result.filetype = vim.bo.filetype

  local got = vim.wait(10000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not got then
    result.error = "no diagnostics within 10 s"
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      code = d.code,
      message = d.message,
    })
  end

  -- Hover on the first `set` statement's flag name.
  local line = vim.fn.search("^\\s*set ", "w")
  if line > 0 then
    local col = vim.fn.getline(line):find("set ") + 4
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = line - 1, character = col - 1 },
    }
    local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", params, 5000)
    for _, r in pairs(responses or {}) do
      if r.result and r.result.contents then
        result.hover = r.result.contents.value
      end
    end
  end

  client.stop()
  vim.wait(5000, function()
    return client.is_stopped()
  end, 50)
  finish()
end })
