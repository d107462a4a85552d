// How the extension finds the language server (server.js): the setting, PATH, ~/.dotnet/tools, and the message
// when none of them has it. Real files in a temporary folder; PATH, platform and home are passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { resolveServer } = require('../server.js');

function folder(t) {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function touch(file) {
  writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
}

test('the default finds normlab on PATH', (t) => {
  const root = folder(t);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const normlab = touch(join(bin, 'normlab'));
  const resolved = resolveServer({}, { PATH: `${join(root, 'empty')}:${bin}` }, 'linux', join(root, 'home'));
  assert.deepEqual(resolved, { command: normlab, args: ['lsp'], source: 'PATH' });
});

test('on Windows, PATH is searched with the PATHEXT extensions', (t) => {
  const root = folder(t);
  const normlab = touch(join(root, 'normlab.exe'));
  const resolved = resolveServer({}, { PATH: root, PATHEXT: '.COM;.EXE' }, 'win32', join(root, 'home'));
  assert.equal(resolved.command, normlab);
});

test('without it on PATH, the dotnet global tools folder is tried', (t) => {
  const root = folder(t);
  const tools = join(root, 'home', '.dotnet', 'tools');
  mkdirSync(tools, { recursive: true });
  const normlab = touch(join(tools, 'normlab'));
  const resolved = resolveServer({ path: 'normlab' }, { PATH: '' }, 'linux', join(root, 'home'));
  assert.deepEqual(resolved, { command: normlab, args: ['lsp'], source: 'dotnet tools folder' });
});

test('neither on PATH nor installed: an error that says what was tried and what to do', (t) => {
  const root = folder(t);
  const resolved = resolveServer({}, { PATH: join(root, 'bin') }, 'linux', join(root, 'home'));
  assert.equal(resolved.command, undefined);
  assert.match(resolved.error, /'normlab' command, which is neither on PATH nor in .*\.dotnet.tools/);
  assert.match(resolved.error, /dotnet tool install -g NormLab\.Cli/);
  assert.match(resolved.error, /normlab\.server\.path/);
});

test('a path in the setting is used as it is', (t) => {
  const root = folder(t);
  const normlab = touch(join(root, 'normlab'));
  assert.deepEqual(resolveServer({ path: normlab }, { PATH: '' }, 'linux', root), { command: normlab, args: ['lsp'], source: 'setting' });
});

test('a path in the setting that does not exist is an error naming it', (t) => {
  const root = folder(t);
  const missing = join(root, 'nowhere', 'normlab');
  const resolved = resolveServer({ path: missing }, { PATH: '' }, 'linux', root);
  assert.ok(resolved.error.includes(`'${missing}', which does not exist`), resolved.error);
});

test('a normlab.dll in the setting runs with dotnetPath', (t) => {
  const root = folder(t);
  const dll = touch(join(root, 'normlab.dll'));
  assert.deepEqual(resolveServer({ path: dll, dotnetPath: '/opt/dotnet/dotnet' }, {}, 'linux', root),
    { command: '/opt/dotnet/dotnet', args: [dll, 'lsp'], source: 'setting' });
  assert.deepEqual(resolveServer({ path: dll }, {}, 'linux', root).command, 'dotnet');
  assert.match(resolveServer({ path: join(root, 'gone.dll') }, {}, 'linux', root).error, /gone\.dll', which does not exist/);
});
