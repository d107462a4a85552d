// Tokenizes .normlab text with the extension's TextMate grammar, the way VS Code does
// (vscode-textmate with the Oniguruma engine of vscode-oniguruma), and checks the scopes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const oniguruma = require('vscode-oniguruma');
const textmate = require('vscode-textmate');

const here = dirname(fileURLToPath(import.meta.url));
const extension = join(here, '..');
const repository = join(extension, '..', '..');

async function loadGrammar() {
  const wasm = readFileSync(join(here, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.normlab') return null;
      const path = join(extension, 'syntaxes', 'normlab.tmLanguage.json');
      return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  return registry.loadGrammar('source.normlab');
}

/** Every token of a text: its text, line and innermost scope (and all scopes). */
function tokenize(grammar, text) {
  const tokens = [];
  let state = textmate.INITIAL;
  text.split(/\r?\n/).forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      tokens.push({ text: line.slice(token.startIndex, token.endIndex), line: index, scopes: token.scopes, scope: token.scopes[token.scopes.length - 1] });
    }
    state = result.ruleStack;
  });
  return tokens;
}

function scopeOf(tokens, text, occurrence = 0) {
  const found = tokens.filter((t) => t.text === text);
  assert.ok(found.length > occurrence, `no token '${text}' (occurrence ${occurrence})`);
  return found[occurrence].scope;
}

/** True when the token with exactly this text lies inside the scope. */
function within(tokens, text, scope) {
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token '${text}'; tokens: ${tokens.map((t) => JSON.stringify(t.text)).join(' ')}`);
  return token.scopes.includes(scope);
}

function examples(folder) {
  const files = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...examples(path));
    else if (entry.endsWith('.normlab')) files.push(path);
  }
  return files;
}

const grammarPromise = loadGrammar();

test('the example files: keywords, names, layers, numbers, comments and operators', async () => {
  const grammar = await grammarPromise;
  const tokens = tokenize(grammar, readFileSync(join(repository, 'examples', 'networks', 'ordering.normlab'), 'utf8'));
  assert.ok(within(tokens, ' ordering.normlab — the example of language.md', 'comment.line.double-slash.normlab'));
  assert.ok(within(tokens, ' optional; default: the project\'s RootNamespace', 'comment.line.double-slash.normlab'), 'a trailing comment');
  assert.equal(scopeOf(tokens, 'namespace'), 'keyword.control.namespace.normlab');
  assert.equal(scopeOf(tokens, 'OrderingStudy'), 'entity.name.namespace.normlab');
  assert.equal(scopeOf(tokens, 'block'), 'storage.type.block.normlab');
  assert.equal(scopeOf(tokens, 'ConvBlock'), 'entity.name.function.block.normlab');
  assert.equal(scopeOf(tokens, 'ConvBlock', 1), 'entity.name.function.normlab', 'a block call');
  assert.equal(scopeOf(tokens, 'c'), 'variable.parameter.normlab');
  assert.equal(scopeOf(tokens, 'act'), 'variable.parameter.normlab');
  assert.equal(scopeOf(tokens, 'conv3x3'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'bn'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'relu'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'network'), 'storage.type.network.normlab');
  assert.equal(scopeOf(tokens, 'ConvBnRelu'), 'entity.name.type.network.normlab');
  assert.equal(scopeOf(tokens, 'input'), 'variable.parameter.normlab');
  assert.equal(scopeOf(tokens, '1x28x28'), 'constant.numeric.dimensions.normlab');
  assert.equal(scopeOf(tokens, '10'), 'constant.numeric.integer.normlab');
  assert.equal(scopeOf(tokens, '0.5'), 'constant.numeric.float.normlab');
  assert.equal(scopeOf(tokens, 'allow'), 'keyword.control.allow.normlab');
  assert.equal(scopeOf(tokens, 'NL1001'), 'constant.other.diagnostic-id.normlab');
  assert.equal(scopeOf(tokens, 'residual'), 'keyword.control.residual.normlab');
  assert.equal(scopeOf(tokens, '>'), 'keyword.operator.pipeline.normlab');
  assert.equal(scopeOf(tokens, '*'), 'keyword.operator.arithmetic.normlab');
  assert.equal(scopeOf(tokens, 'width', 1), 'variable.other.normlab', 'a parameter used in an argument');
});

test('every example file: every token has a NormLab scope', async () => {
  const grammar = await grammarPromise;
  const files = examples(join(repository, 'examples'));
  assert.ok(files.length > 0, 'examples/**/*.normlab exist');
  for (const file of files) {
    const tokens = tokenize(grammar, readFileSync(file, 'utf8'));
    const unscoped = tokens.filter((t) => t.text.trim().length > 0 && t.scopes.length < 2);
    assert.deepEqual(unscoped.map((t) => `${relative(repository, file)}:${t.line + 1} '${t.text}'`), []);
  }
});

test('inline samples: block comments, floats, signs, named arguments, symbols', async () => {
  const grammar = await grammarPromise;
  const tokens = tokenize(grammar, [
    '/* a block',
    '   comment */ network Deep(input: 3x32x32, rate: 1e-5, depth: 2) allow NL1003, NL4001 {',
    '    conv(64, kernel: 5, stride: 2, padding: same, bias: false) > leakyrelu(slope: -0.2)',
    '    > (conv3x3(64) > bn > relu) * depth > gap > linear(64 / 2 + 1) > dense(10)',
    '}',
    'block Stem = conv7x7(16) > bn > relu',
  ].join('\n'));
  assert.ok(within(tokens, ' a block', 'comment.block.normlab'));
  assert.ok(within(tokens, '   comment ', 'comment.block.normlab'), 'a block comment over two lines');
  assert.equal(scopeOf(tokens, 'network'), 'storage.type.network.normlab', 'after the comment');
  assert.equal(scopeOf(tokens, 'Deep'), 'entity.name.type.network.normlab');
  assert.equal(scopeOf(tokens, 'rate'), 'variable.parameter.normlab');
  assert.equal(scopeOf(tokens, '1e-5'), 'constant.numeric.float.normlab');
  assert.equal(scopeOf(tokens, '3x32x32'), 'constant.numeric.dimensions.normlab');
  assert.equal(scopeOf(tokens, 'NL4001'), 'constant.other.diagnostic-id.normlab');
  assert.equal(scopeOf(tokens, 'kernel'), 'variable.parameter.normlab');
  assert.equal(scopeOf(tokens, 'same'), 'constant.language.normlab');
  assert.equal(scopeOf(tokens, 'false'), 'constant.language.normlab');
  assert.equal(scopeOf(tokens, 'leakyrelu'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, '-'), 'keyword.operator.arithmetic.normlab');
  assert.equal(scopeOf(tokens, '/'), 'keyword.operator.arithmetic.normlab');
  assert.equal(scopeOf(tokens, '+'), 'keyword.operator.arithmetic.normlab');
  assert.equal(scopeOf(tokens, 'dense'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'Stem'), 'entity.name.function.block.normlab');
  assert.equal(scopeOf(tokens, 'conv7x7'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'depth', 1), 'variable.other.normlab');
});

test('the second release: branches, gates, signals, in_channels, as, math', async () => {
  const grammar = await grammarPromise;
  const tokens = tokenize(grammar, [
    'block Half = conv1x1(in_channels / 2) > avgpool',
    'network Ecg(input: signal 12x1000, classes: 5) {',
    '    conv1d(32, kernel: 7) > concat { identity | conv(8) > se(4, gate: hardsigmoid) }',
    '    > scale { gap > linear(round(8 * 0.5)) > sigmoid } > Half * 2 as i',
    '    > ln(over: all) > gap > linear(classes)',
    '}',
  ].join('\n'));
  assert.equal(scopeOf(tokens, 'concat'), 'keyword.control.branch.normlab');
  assert.equal(scopeOf(tokens, 'scale'), 'keyword.control.branch.normlab');
  assert.equal(scopeOf(tokens, '|'), 'keyword.operator.branch.normlab');
  assert.equal(scopeOf(tokens, 'as'), 'keyword.other.as.normlab');
  assert.equal(scopeOf(tokens, 'in_channels'), 'variable.language.in-channels.normlab');
  assert.equal(scopeOf(tokens, 'round'), 'support.function.math.normlab');
  assert.equal(scopeOf(tokens, 'signal'), 'storage.type.shape.normlab');
  assert.equal(scopeOf(tokens, '12x1000'), 'constant.numeric.dimensions.normlab');
  assert.equal(scopeOf(tokens, 'conv1d'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'se'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'hardsigmoid'), 'support.function.layer.normlab');
  assert.equal(scopeOf(tokens, 'all'), 'constant.language.normlab');
});
