// End-to-end test of `normlab lsp` with the protocol library VS Code's client is built on:
// vscode-languageserver-protocol over vscode-jsonrpc, the server spawned as `dotnet normlab.dll lsp`.
// NORMLAB_DLL names the built normlab.dll (tests/NormLab.LanguageServer.Tests sets it); DOTNET_HOST_PATH the dotnet to run it with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const dll = process.env.NORMLAB_DLL;
const dotnet = process.env.DOTNET_HOST_PATH && existsSync(process.env.DOTNET_HOST_PATH) ? process.env.DOTNET_HOST_PATH : 'dotnet';

const errorsUri = 'file:///tmp/normlab-lsp-test/errors.normlab';
const errorsText = [
  '// a file with mistakes, for the language server test',
  'block ConvBlock(c) = conv3x3(c) > bn > relu',
  '',
  'network Broken(input: 1x28x28, classes: 10) {',
  '    conv3x3(32) > relu > bn > maxpool',
  '    > ConvBlock(64) > maxpool',
  '    > conv(64, bias: true) > bn > relu',
  '    > linear(10)',
  '}',
  '',
  'network Typo(input: 16) {',
  '    linaer(8) > relu > linear(2)',
  '}',
  '',
].join('\n');

/** Applies LSP text edits (non-overlapping) to a text. */
function applyEdits(text, edits) {
  const offsets = lineOffsets(text);
  const at = (p) => offsets[p.line] + p.character;
  const sorted = [...edits].sort((a, b) => at(b.range.start) - at(a.range.start));
  for (const edit of sorted) {
    text = text.slice(0, at(edit.range.start)) + edit.newText + text.slice(at(edit.range.end));
  }
  return text;
}

function lineOffsets(text) {
  const offsets = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') offsets.push(i + 1);
  return offsets;
}

const range = (l1, c1, l2, c2) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test('normlab lsp: diagnostics, hover, completion, quick fixes, formatting, shutdown', { timeout: 120_000 }, async (t) => {
  assert.ok(dll && existsSync(dll), `NORMLAB_DLL must name the built normlab.dll (got ${dll})`);
  const server = spawn(dotnet, [dll, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));

  const connection = lsp.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin));

  // diagnostics arrive as notifications: keep the latest per URI and wake whoever waits for a version
  const published = new Map();
  const waiters = [];
  connection.onNotification(lsp.PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, params);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (waiter.version === undefined || params.version === waiter.version)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  const logs = [];
  connection.onNotification(lsp.LogMessageNotification.type, (params) => logs.push(params.message));
  connection.listen();

  const diagnosticsFor = (uri, version) => new Promise((resolve, reject) => {
    const current = published.get(uri);
    if (current && (version === undefined || current.version === version)) return resolve(current);
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} version ${version}; stderr: ${stderr}`)), 30_000);
    waiters.push({ uri, version, resolve: (p) => { clearTimeout(timer); resolve(p); } });
  });

  try {
    const init = await connection.sendRequest(lsp.InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { debounceMs: 20 },
    });
    assert.equal(init.serverInfo.name, 'normlab');
    assert.deepEqual(init.capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.equal(init.capabilities.documentFormattingProvider, true);
    await connection.sendNotification(lsp.InitializedNotification.type, {});

    // open a file with errors: the diagnostics, their IDs, ranges, severities and links
    await connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: errorsUri, languageId: 'normlab', version: 1, text: errorsText },
    });
    const first = await diagnosticsFor(errorsUri, 1);
    const summary = first.diagnostics.map((d) => `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
    assert.deepEqual(summary, [
      'NL1001 2 4:25-4:27',
      'NL1009 4 5:6-5:19',
      'NL1002 3 6:6-6:26',
      'NL2002 1 7:6-7:16',
      'NL0002 1 11:4-11:10',
    ]);
    for (const d of first.diagnostics) {
      assert.equal(d.source, 'normlab');
      assert.match(d.codeDescription.href, new RegExp(`docs/diagnostics/${d.code}\\.md$`));
      assert.equal(d.tags, undefined, 'no Unnecessary tag, not even on hidden hints');
    }
    assert.match(first.diagnostics[4].message, /did you mean 'linear'/);

    // hover on a layer: field name, kind, output shape, parameters
    const layerHover = await connection.sendRequest(lsp.HoverRequest.type, { textDocument: { uri: errorsUri }, position: { line: 4, character: 6 } });
    assert.equal(layerHover.contents.kind, 'markdown');
    assert.match(layerHover.contents.value, /\*\*conv1\*\*: `conv` \(written `conv3x3`\)/);
    assert.match(layerHover.contents.value, /Output shape: `32x28x28`/);
    assert.match(layerHover.contents.value, /Parameters: 320/);
    assert.deepEqual(layerHover.range, range(4, 4, 4, 15));

    // hover on a network's name: its summary table
    const networkHover = await connection.sendRequest(lsp.HoverRequest.type, { textDocument: { uri: errorsUri }, position: { line: 3, character: 10 } });
    assert.match(networkHover.contents.value, /\| Layer \| Kind \| Output shape \| Parameters \| MACs \|/);
    assert.match(networkHover.contents.value, /\| conv1 \| conv \| 32x28x28 \| 320 \|/);

    // completion in a pipeline: layers with their arguments, and the file's blocks
    const completion = await connection.sendRequest(lsp.CompletionRequest.type, { textDocument: { uri: errorsUri }, position: { line: 4, character: 18 } });
    const items = Array.isArray(completion) ? completion : completion.items;
    const conv = items.find((i) => i.label === 'conv3x3');
    assert.ok(conv, 'conv3x3 is offered');
    assert.equal(conv.detail, 'conv3x3(out, stride: 1, padding: same, dilation: 1, groups: 1, bias: auto)');
    assert.ok(items.some((i) => i.label === 'ConvBlock'), 'the block is offered');

    // go to definition of a block call
    const definition = await connection.sendRequest(lsp.DefinitionRequest.type, { textDocument: { uri: errorsUri }, position: { line: 5, character: 9 } });
    assert.deepEqual(definition, [{ uri: errorsUri, range: range(1, 6, 1, 15) }]);

    // symbols: networks and blocks, layers as children
    const symbols = await connection.sendRequest(lsp.DocumentSymbolRequest.type, { textDocument: { uri: errorsUri } });
    assert.deepEqual(symbols.map((s) => s.name), ['ConvBlock', 'Broken', 'Typo']);
    assert.deepEqual(symbols[1].children.slice(0, 3).map((s) => s.name), ['conv1', 'relu1', 'bn1']);

    // quick fix for NL1001: swap `relu > bn`; apply its edit and send it back as an incremental change
    const nl1001 = first.diagnostics[0];
    const actions = await connection.sendRequest(lsp.CodeActionRequest.type, {
      textDocument: { uri: errorsUri }, range: nl1001.range, context: { diagnostics: [nl1001] },
    });
    const swap = actions.find((a) => a.title === "Put 'bn' before 'relu'");
    assert.ok(swap, `a quick fix for NL1001 (got ${actions.map((a) => a.title)})`);
    assert.equal(swap.kind, 'quickfix');
    const swapEdits = swap.edit.changes[errorsUri];
    assert.deepEqual(swapEdits, [{ range: range(4, 18, 4, 27), newText: 'bn > relu' }]);
    const fixed = applyEdits(errorsText, swapEdits);
    assert.equal(fixed.split('\n')[4], '    conv3x3(32) > bn > relu > maxpool');
    await connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: errorsUri, version: 2 },
      contentChanges: swapEdits.map((e) => ({ range: e.range, text: e.newText })),
    });
    const second = await diagnosticsFor(errorsUri, 2);
    assert.deepEqual(second.diagnostics.map((d) => d.code), ['NL1009', 'NL1009', 'NL1002', 'NL2002', 'NL0002']);

    // quick fixes for NL1002 (remove `bias: true`) and NL2002 (insert `flatten > `)
    const more = await connection.sendRequest(lsp.CodeActionRequest.type, {
      textDocument: { uri: errorsUri }, range: range(6, 0, 7, 16), context: { diagnostics: second.diagnostics },
    });
    const bias = more.find((a) => a.title.startsWith("Remove 'bias: true'"));
    assert.deepEqual(bias.edit.changes[errorsUri], [{ range: range(6, 13, 6, 25), newText: '' }]);
    const flatten = more.find((a) => a.title === "Insert 'flatten' before 'linear'");
    assert.deepEqual(flatten.edit.changes[errorsUri], [{ range: range(7, 6, 7, 6), newText: 'flatten > ' }]);
    const allFixed = applyEdits(applyEdits(fixed, bias.edit.changes[errorsUri]), flatten.edit.changes[errorsUri]);
    assert.equal(allFixed.split('\n')[6], '    > conv(64) > bn > relu');
    assert.equal(allFixed.split('\n')[7], '    > flatten > linear(10)');
    await connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: errorsUri, version: 3 }, contentChanges: [{ text: allFixed }],
    });
    const third = await diagnosticsFor(errorsUri, 3);
    assert.deepEqual(third.diagnostics.map((d) => d.code), ['NL1009', 'NL1009', 'NL0002']);

    // completion after `allow`: diagnostic IDs
    const allowUri = 'file:///tmp/normlab-lsp-test/allow.normlab';
    await connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: allowUri, languageId: 'normlab', version: 1, text: 'network N(input: 4) allow ' },
    });
    const ids = await connection.sendRequest(lsp.CompletionRequest.type, { textDocument: { uri: allowUri }, position: { line: 0, character: 26 } });
    assert.ok((ids.items ?? ids).some((i) => i.label === 'NL1001'));

    // formatting: the canonical layout
    const messyUri = 'file:///tmp/normlab-lsp-test/messy.normlab';
    const messy = 'network  Messy( input:1x28x28 ,classes:10 ){conv3x3( 32 )>bn>relu\n>flatten>linear( classes )}';
    await connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: messyUri, languageId: 'normlab', version: 1, text: messy },
    });
    const formatEdits = await connection.sendRequest(lsp.DocumentFormattingRequest.type, {
      textDocument: { uri: messyUri }, options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(applyEdits(messy, formatEdits),
      'network Messy(input: 1x28x28, classes: 10) {\n    conv3x3(32) > bn > relu\n    > flatten > linear(classes)\n}\n');

    // a request about a document that is not open is invalid params (-32602), and the server goes on
    await assert.rejects(
      connection.sendRequest(lsp.HoverRequest.type, { textDocument: { uri: 'file:///not/open.normlab' }, position: { line: 0, character: 0 } }),
      (e) => e.code === -32602 && /not open/.test(e.message));
    const again = await connection.sendRequest(lsp.HoverRequest.type, { textDocument: { uri: errorsUri }, position: { line: 4, character: 6 } });
    assert.match(again.contents.value, /conv1/);

    await connection.sendNotification(lsp.DidCloseTextDocumentNotification.type, { textDocument: { uri: errorsUri } });
    await connection.sendRequest(lsp.ShutdownRequest.type);
    await connection.sendNotification(lsp.ExitNotification.type);
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref())]);
    assert.equal(code, 0, `the server exits with 0 after shutdown and exit; stderr: ${stderr}`);
    t.diagnostic(logs.filter((l) => l.startsWith('checked')).join('\n'));
  } finally {
    connection.dispose();
    if (server.exitCode === null) server.kill();
  }
});
