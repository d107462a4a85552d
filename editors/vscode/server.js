// Finds the `normlab` command that serves the language (`normlab lsp`). No dependency on the vscode module, so
// node tests exercise it as it is (test/server.test.mjs).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const installHint =
  'Install the tool with `dotnet tool install -g NormLab.Cli` (then restart VS Code so that ~/.dotnet/tools is on PATH), ' +
  'or set `normlab.server.path` to the normlab executable or normlab.dll.';

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The names a command has on this platform: `normlab`, or `normlab.exe`, `normlab.cmd`... on Windows. */
function candidateNames(command, platform, env) {
  if (platform !== 'win32' || path.extname(command)) {
    return [command];
  }
  const extensions = (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  return extensions.map((extension) => command + extension.toLowerCase());
}

/** The first file named `command` in the folders of PATH, or undefined. */
function findOnPath(command, env = process.env, platform = process.platform) {
  const pathValue = env.PATH ?? env.Path ?? '';
  for (const folder of pathValue.split(platform === 'win32' ? ';' : ':').filter(Boolean)) {
    for (const name of candidateNames(command, platform, env)) {
      const file = path.join(folder, name);
      if (isFile(file)) {
        return file;
      }
    }
  }
  return undefined;
}

/**
 * How to start the server, from the settings `normlab.server.path` and `normlab.server.dotnetPath`:
 *   { command, args, source }   where source says how it was found ('setting', 'PATH', 'dotnet tools folder'), or
 *   { error }                   a message that says what was tried and what to do.
 * A setting that names a file (a path, or a .dll) must exist; the default `normlab` is looked up on PATH, then in
 * the folder of global dotnet tools (~/.dotnet/tools), which VS Code started from a desktop may not have on PATH.
 */
function resolveServer(settings = {}, env = process.env, platform = process.platform, home = os.homedir()) {
  const server = (settings.path || '').trim() || 'normlab';
  const dotnet = (settings.dotnetPath || '').trim() || 'dotnet';
  const isPath = server.includes('/') || server.includes('\\');

  if (server.toLowerCase().endsWith('.dll')) {
    if (!isFile(server)) {
      return { error: `NormLab: normlab.server.path names '${server}', which does not exist. ${installHint}` };
    }
    return { command: dotnet, args: [server, 'lsp'], source: 'setting' };
  }

  if (isPath) {
    if (!isFile(server)) {
      return { error: `NormLab: normlab.server.path names '${server}', which does not exist. ${installHint}` };
    }
    return { command: server, args: ['lsp'], source: 'setting' };
  }

  const onPath = findOnPath(server, env, platform);
  if (onPath) {
    return { command: onPath, args: ['lsp'], source: server === 'normlab' ? 'PATH' : 'setting' };
  }

  const toolsFolder = path.join(home, '.dotnet', 'tools');
  for (const name of candidateNames(server, platform, env)) {
    const file = path.join(toolsFolder, name);
    if (isFile(file)) {
      return { command: file, args: ['lsp'], source: 'dotnet tools folder' };
    }
  }

  return {
    error: `NormLab: the language server needs the '${server}' command, which is neither on PATH nor in ${toolsFolder}. ${installHint}`,
  };
}

module.exports = { resolveServer, findOnPath, installHint };
