// The NormLab extension: starts `normlab lsp` (the language server of the normlab command line) for
// .normlab files. Plain JavaScript, so that it runs without a build step.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The command that starts the server: `normlab lsp`, a normlab executable, or `dotnet normlab.dll lsp`. */
function serverCommand(configuration) {
  const server = configuration.get('server.path', 'normlab') || 'normlab';
  if (server.toLowerCase().endsWith('.dll')) {
    return { command: configuration.get('server.dotnetPath', 'dotnet') || 'dotnet', args: [server, 'lsp'] };
  }

  return { command: server, args: ['lsp'] };
}

function debounceOptions(debounceMs) {
  return Number.isInteger(debounceMs) && debounceMs >= 0 ? { debounceMs } : {};
}

async function start(context) {
  const configuration = vscode.workspace.getConfiguration('normlab');
  const { command, args } = serverCommand(configuration);
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
    vscode.window.showErrorMessage(
      `NormLab: could not start '${[command, ...args].join(' ')}' (${error.message}). Install the tool (dotnet tool install -g NormLab.Cli) or set normlab.server.path.`);
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
