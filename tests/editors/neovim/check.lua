-- Drives the schema-lang server from a real Neovim (written for Debian's 0.7.2), headless:
--
--   nvim --headless --clean -n -u NONE -i NONE -c "luafile check.lua" FILE.schema.yaml
--
-- Environment:
--   SCHEMA_LANG_PYTHON   the Python that runs the server (`python -m schema_lang_server`)
--   SCHEMA_LANG_ROOT     the repository root (the server's working directory)
--   SCHEMA_LANG_RESULT   where to write the JSON result
--   SCHEMA_LANG_WAIT_MS  optional: how long to wait for each server answer (default 15000)
--
-- Steps (each recorded in the result): start the server with vim.lsp.start_client and attach it
-- to the buffer; wait for the server's publishDiagnostics; ask for completion where `usrs`
-- starts (right after `references `) on each line naming it; fix the first typo with
-- nvim_buf_set_lines (Neovim sends didChange) and wait for the diagnostics of that buffer
-- version; fix the second; stop the server. Exit status: 0 when every step ran (the pytest
-- side checks the values), 1 after a Lua error, 2 on the hard timeout; after an error the
-- result file holds it and the steps done so far.

local TYPO, FIXED = 'usrs', 'users' -- the fixture's misspelt table and its fix

-- The 1-based byte index of `usrs` in a line `... references usrs` or `references: usrs`, or nil.
local function typo_at(line)
  local _, last = line:find('references:? ' .. TYPO)
  return last and last - #TYPO + 1
end

local result = { steps = {}, publications = {} }
local result_path = os.getenv('SCHEMA_LANG_RESULT')
local wait_ms = tonumber(os.getenv('SCHEMA_LANG_WAIT_MS') or '') or 15000
local finished = false

local function write_result()
  assert(result_path, 'SCHEMA_LANG_RESULT is not set')
  local f = assert(io.open(result_path, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function finish(status, err)
  if finished then
    return
  end
  finished = true
  if err then
    result.error = err
  end
  local ok, write_err = pcall(write_result)
  if not ok then
    io.stderr:write('check.lua: cannot write the result: ' .. tostring(write_err) .. '\n')
    if err then
      io.stderr:write('check.lua: ' .. err .. '\n')
    end
    status = status ~= 0 and status or 1
  end
  if status == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. status)
  end
end

-- The hard timeout: whatever hangs, Neovim ends with status 2 and says where it was.
vim.defer_fn(function()
  finish(2, 'hard timeout; steps done: ' .. table.concat(result.steps, ', '))
end, 3 * wait_ms + 10000)

local function step(name)
  table.insert(result.steps, name)
end

local function wait_for(what, condition)
  if not vim.wait(wait_ms, condition, 10) then
    error('timed out after ' .. wait_ms .. ' ms waiting for ' .. what, 2)
  end
end

local function lsp_diagnostics(diagnostics)
  return vim.tbl_map(function(d)
    return { code = d.code, severity = d.severity, message = d.message, range = d.range }
  end, diagnostics or {})
end

local function vim_diagnostics(bufnr)
  return vim.tbl_map(function(d)
    return {
      code = d.code, severity = d.severity, message = d.message,
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    }
  end, vim.diagnostic.get(bufnr))
end

local function main()
  local python = assert(os.getenv('SCHEMA_LANG_PYTHON'), 'SCHEMA_LANG_PYTHON is not set')
  local root = assert(os.getenv('SCHEMA_LANG_ROOT'), 'SCHEMA_LANG_ROOT is not set')
  local bufnr = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  assert(path:match('%.schema%.ya?ml$'), 'open a *.schema.yaml file, not ' .. path)
  local uri = vim.uri_from_bufnr(bufnr)
  local v = vim.version()
  result.nvim_version = string.format('%d.%d.%d', v.major, v.minor, v.patch)

  local capabilities = vim.lsp.protocol.make_client_capabilities()
  result.client_offers_pull = capabilities.textDocument.diagnostic ~= nil
  result.client_position_encodings = (capabilities.general or {}).positionEncodings
  result.client_offset_encoding_capability = capabilities.offsetEncoding

  -- Every publication for this buffer is recorded, then handed to Neovim's own handler.
  local latest -- the last publishDiagnostics params for our buffer
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local function on_publish(err, params, ctx, config)
    if params and params.uri == uri then
      latest = params
      table.insert(result.publications, { version = params.version, count = #params.diagnostics })
    end
    return default_publish(err, params, ctx, config)
  end

  local exited
  step('start_client')
  local client_id = vim.lsp.start_client({
    name = 'schema-lang',
    cmd = { python, '-m', 'schema_lang_server' },
    cmd_cwd = root,
    root_dir = vim.fn.fnamemodify(path, ':p:h'),
    capabilities = capabilities,
    handlers = { ['textDocument/publishDiagnostics'] = on_publish },
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'vim.lsp.buf_attach_client failed')

  -- Initialization, then didOpen, then the pushed diagnostics of that version.
  step('wait_open')
  wait_for('the diagnostics published after didOpen', function()
    return latest ~= nil or exited ~= nil
  end)
  assert(not exited, 'the server exited: ' .. vim.inspect(exited))
  local client = assert(vim.lsp.get_client_by_id(client_id), 'no client ' .. client_id)
  local server_capabilities = client.server_capabilities or {}
  result.offset_encoding = client.offset_encoding
  result.server_position_encoding = server_capabilities.positionEncoding
  result.server_offers_pull = server_capabilities.diagnosticProvider ~= nil
  result.open = {
    version = latest.version,
    buffer_version = vim.lsp.util.buf_versions[bufnr],
    lsp = lsp_diagnostics(latest.diagnostics),
    vim = vim_diagnostics(bufnr),
  }

  -- Completion where `usrs` starts, right after `references `, on every line naming it; the
  -- position is made by Neovim from the cursor (make_position_params, in the client's encoding).
  step('completion')
  result.completions = {}
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local usrs = typo_at(line)
    if usrs then
      local byte_col = usrs - 1 -- 0-based: right after `references ` (or `references: `)
      vim.api.nvim_win_set_cursor(0, { lnum, byte_col })
      local params = vim.lsp.util.make_position_params()
      local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, wait_ms)
      assert(responses, 'completion request failed: ' .. tostring(err))
      local response = responses[client_id] or {}
      assert(not response.error, 'completion error: ' .. vim.inspect(response.error))
      local items = response.result or {}
      if items.items then
        items = items.items
      end
      table.insert(result.completions, {
        line = lnum - 1,
        byte_col = byte_col,
        position = params.position,
        labels = vim.tbl_map(function(item) return item.label end, items),
      })
    end
  end

  -- Edit the buffer as a user would: Neovim sends didChange (incremental, in its encoding).
  local function fix(step_name, nth)
    step(step_name)
    local seen = 0
    for lnum, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local usrs = typo_at(line)
      if usrs then
        seen = seen + 1
        if seen == nth then
          local fixed = line:sub(1, usrs - 1) .. FIXED .. line:sub(usrs + #TYPO)
          vim.api.nvim_buf_set_lines(bufnr, lnum - 1, lnum, true, { fixed })
          break
        end
      end
    end
    assert(seen == nth, 'no line left with ' .. TYPO)
    local version = vim.lsp.util.buf_versions[bufnr]
    wait_for('the diagnostics of buffer version ' .. tostring(version), function()
      return (latest.version == version) or exited ~= nil
    end)
    assert(not exited, 'the server exited: ' .. vim.inspect(exited))
    return {
      version = latest.version,
      buffer_version = version,
      lsp = lsp_diagnostics(latest.diagnostics),
      vim = vim_diagnostics(bufnr),
    }
  end
  result.after_first_fix = fix('fix_first', 1)
  result.after_second_fix = fix('fix_second', 1) -- the first is fixed: the second is now the first left

  step('stop')
  client.stop()
  wait_for('the server to exit after shutdown', function()
    return exited ~= nil
  end)
  result.server_exit = exited
  step('done')
end

local ok, err = xpcall(main, debug.traceback)
if ok then
  finish(0)
else
  finish(1, tostring(err))
end
