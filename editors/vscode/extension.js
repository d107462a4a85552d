// The NormLab extension: starts `normlab lsp` (the language server of the normlab command line) for
// .normlab files. Plain JavaScript, so that it runs without a build step.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { resolveServer, installHint } = require('./server');

let client;

/** The command that starts the server, found from the settings, PATH or ~/.dotnet/tools (server.js). */
function serverCommand(configuration) {
  return resolveServer({
    path: configuration.get('server.path', 'normlab'),
    dotnetPath: configuration.get('server.dotnetPath', 'dotnet'),
  });
}

const openSettings = 'Open Settings';
const howToInstall = 'How to Install';

/** Says what went wrong and what to do, with buttons for the setting and the install instructions. */
async function explain(message) {
  const choice = await vscode.window.showErrorMessage(message, openSettings, howToInstall);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'normlab.server');
  } else if (choice === howToInstall) {
    await vscode.env.openExternal(vscode.Uri.parse('https://github.com/normlab/normlab#install'));
  }
}

function debounceOptions(debounceMs) {
  return Number.isInteger(debounceMs) && debounceMs >= 0 ? { debounceMs } : {};
}

async function start(context) {
  const configuration = vscode.workspace.getConfiguration('normlab');
  const resolved = serverCommand(configuration);
  if (resolved.error) {
    client = undefined;
    await explain(resolved.error);
    return;
  }

  const { command, args } = resolved;
  const executable = { command, args, transport: TransportKind.stdio, options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(context.extensionPath) } };
  client = new LanguageClient(
    'normlab',
    'NormLab',
    { run: executable, debug: executable },
    {
      documentSelector: [{ language: 'normlab' }],
      // no debounceMs unless the user set one: the server then waits for typing to pause only when checking is slow
      initializationOptions: debounceOptions(configuration.get('server.debounceMs')),
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.normlab') },
    });
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    await explain(`NormLab: '${[command, ...args].join(' ')}' did not start (${error.message}). ${installHint}`);
  }
}

async function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand('normlab.restartServer', async () => {
    if (client) {
      await client.stop();
    }

    await start(context);
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (event.affectsConfiguration('normlab.server')) {
      await vscode.commands.executeCommand('normlab.restartServer');
    }
  }));
  await start(context);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverCommand };
