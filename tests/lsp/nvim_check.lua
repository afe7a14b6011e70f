-- Headless Neovim with its built-in LSP client attached to `rollplan lsp`: opens the plan given
-- on the command line, waits for diagnostics, asks for a hover, and writes what it received to
-- $OUT as JSON (lines: diagnostics, hover, server pid). Run by tests/lsp/test_neovim.py.
local out = os.getenv("OUT")
local rollplan = os.getenv("ROLLPLAN")
local result = { diagnostics = {}, hover = nil, pid = nil, error = nil }

local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end

-- The init file runs before the file named on the command line is loaded: start on VimEnter.
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
  vim.cmd("filetype on")
  vim.filetype.add({ extension = { roll = "rollplan" } })

  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "rollplan",
    cmd = { rollplan, "lsp" },
    root_dir = vim.fn.getcwd(),
  })
  if not client_id then
    result.error = "the client did not start"
    finish()
    return
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  result.pid = client.rpc.pid

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
