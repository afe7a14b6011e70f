-- rollplan in Neovim (0.7 or later): `.roll` files get the `rollplan` filetype and the language
-- server `rollplan lsp` through Neovim's built-in client. Copy this file to
-- ~/.config/nvim/plugin/rollplan.lua, or `dofile` it from init.lua. Set `vim.g.rollplan_cmd`
-- to use a rollplan binary that is not on PATH. tests/lsp/test_neovim.py runs it as written.
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  pattern = "*.roll",
  command = "setfiletype rollplan",
})

vim.api.nvim_create_autocmd("FileType", {
  pattern = "rollplan",
  callback = function(args)
    vim.bo[args.buf].commentstring = "# %s"
    local config = {
      name = "rollplan",
      cmd = { vim.g.rollplan_cmd or "rollplan", "lsp" },
      root_dir = vim.fn.getcwd(),
    }
    if vim.lsp.start then
      vim.lsp.start(config, { bufnr = args.buf })
    else
      -- Neovim 0.7: no vim.lsp.start yet.
      local id = vim.lsp.start_client(config)
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end
  end,
})
