-- nvim.lua: Neovim's built-in LSP client (a real editor) against weft-clangd.
-- Run by run-nvim.py as `nvim --headless --clean -c 'luafile nvim.lua'`
-- with WEFT_CLANGD_CMD (the command, one argument a line) and WEFT_FILE.
-- It opens faulty.c, checks that clangd's and weft's diagnostics arrive
-- together, edits the buffer without saving (one weft finding goes, a new
-- one comes), applies weft's quick fix and one of clangd's through
-- textDocument/codeAction, and shuts the server down.  Exits 0 on success.
local cmd = vim.split(os.getenv('WEFT_CLANGD_CMD'), '\n', { trimempty = true })
local file = os.getenv('WEFT_FILE')
local timeout = 60000

local function fail(msg)
  io.stderr:write('nvim.lua: FAIL: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end
local function log(msg) io.stderr:write('nvim.lua: ' .. msg .. '\n') end

local published = {}   -- uri -> the last diagnostics list as sent (raw LSP)
local messages = {}    -- window/showMessage texts
local exited, exit_code = false, nil

local client_id = vim.lsp.start_client({
  name = 'weft-clangd',
  cmd = cmd,
  root_dir = vim.fn.fnamemodify(file, ':h'),
  flags = { debounce_text_changes = 0 },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published[result.uri] = result.diagnostics
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
    ['window/showMessage'] = function(_, result) table.insert(messages, result.message) end,
  },
  on_exit = function(code, signal)
    exited, exit_code = true, code
  end,
})
if not client_id then fail('weft-clangd did not start') end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
local uri = vim.uri_from_bufnr(buf)
local client = vim.lsp.get_client_by_id(client_id)

-- The diagnostics of the current publication, as "source code message".
local function find(pred)
  for _, d in ipairs(published[uri] or {}) do
    if pred(d) then return d end
  end
end
local function has(source, code)
  return find(function(d) return d.source == source and (code == nil or d.code == code) end) ~= nil
end
local function wait_for(what, cond)
  if not vim.wait(timeout, cond, 20) then
    local seen = {}
    for _, d in ipairs(published[uri] or {}) do
      table.insert(seen, (d.source or '?') .. ':' .. tostring(d.code) .. ' line ' .. d.range.start.line .. ': ' .. d.message)
    end
    fail('timed out waiting for ' .. what .. '; last published:\n  ' .. table.concat(seen, '\n  '))
  end
  log('ok: ' .. what)
end

-- 1. clangd's diagnostics and weft's, in one list.
wait_for("clangd's and weft's diagnostics together", function()
  return has('clang') and has('weft', 'async-conversion') and has('weft', 'mayyield')
end)
local conv = find(function(d) return d.code == 'async-conversion' end)
if conv.severity ~= 1 then fail('async-conversion should be an error') end
if not (conv.codeDescription and conv.codeDescription.href:match('async%-conversion%.md$')) then
  fail('async-conversion has no link to its docs page')
end
local may = find(function(d) return d.code == 'mayyield' end)
if not (may.relatedInformation and #may.relatedInformation == 1
        and may.relatedInformation[1].message:match("calls 'weft_spawn'")) then
  fail('the mayyield note is not in relatedInformation')
end

-- 2. Edit the buffer, unsaved: the conversion goes, a dropped action comes.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local conv_line
for i, l in ipairs(lines) do
  if l:match('char %*c = read_stdin') then conv_line = i - 1 end
end
vim.api.nvim_buf_set_lines(buf, conv_line, conv_line + 2, false,
  { '  weft_sleep(1);', '  return write_stdout("done");' })
wait_for('updated diagnostics after an unsaved edit', function()
  return not has('weft', 'async-conversion') and has('weft', 'async-drop') and has('weft', 'mayyield')
end)
if vim.bo[buf].modified ~= true then fail('the buffer should still be unsaved') end

-- 3. weft's quick fix for mayyield, through textDocument/codeAction.
local function actions_at(diag)
  local params = {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag } },
  }
  local results = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, timeout)
  local all = {}
  for _, res in pairs(results or {}) do
    if res.error then fail('codeAction failed: ' .. vim.inspect(res.error)) end
    for _, a in ipairs(res.result or {}) do table.insert(all, a) end
  end
  return all
end
may = find(function(d) return d.code == 'mayyield' end)
local fix
for _, a in ipairs(actions_at(may)) do
  if a.title:match('^weft:') and a.kind == 'quickfix' then fix = a end
end
if not fix then fail('no weft quick fix for mayyield') end
log('applying "' .. fix.title .. '"')
vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
local fixed = vim.api.nvim_buf_get_lines(buf, may.range.start.line, may.range.start.line + 1, false)[1]
if fixed ~= 'mayyield void start_job(void) {' then fail('the quick fix produced: ' .. fixed) end
wait_for('mayyield gone after the quick fix', function()
  return not has('weft', 'mayyield') and has('weft', 'async-drop')
end)

-- 4. clangd's own code actions still come through.
local paren = find(function(d) return d.source == 'clang' and d.message:match('assignment') end)
if not paren then fail("clangd's -Wparentheses warning is missing") end
local clangd_fix = false
for _, a in ipairs(actions_at(paren)) do
  if not a.title:match('^weft:') then clangd_fix = true end
end
if not clangd_fix then fail("clangd's code action for -Wparentheses did not come through") end
log("ok: clangd's code action came through")

-- 5. shutdown and exit.
if #messages > 0 then fail('unexpected window/showMessage: ' .. messages[1]) end
vim.lsp.stop_client(client_id)
if not vim.wait(timeout, function() return exited end, 20) then fail('weft-clangd did not exit') end
if exit_code ~= 0 then fail('weft-clangd exited with ' .. tostring(exit_code)) end
log('ok: clean shutdown')
vim.cmd('qall!')
