import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import * as acorn from 'acorn';

/** One name an import (or CJS require) binds in a module. */
export interface ImportedBinding {
  /** The local name, as the module's code (and a shipped function's source) uses it. */
  local: string;
  /** The exported name: '*' for the whole module (namespace, `require()`), 'default', or a name. */
  imported: string;
  /** The module specifier as written: './lib/text.js', 'node:path', 'lodash'. */
  specifier: string;
}

const cache = new Map<string, ReadonlyMap<string, ImportedBinding>>();

/** Names bound by import declarations (and top-level requires) in `file`. */
export function importedNames(file: string): Set<string> {
  return new Set(importedBindings(file).keys());
}

/**
 * The import bindings of `file`, keyed by local name; cached per file because the same
 * call site is checked for every transformation it creates. Unreadable files give none.
 */
export function importedBindings(file: string): ReadonlyMap<string, ImportedBinding> {
  let found = cache.get(file);
  if (!found) {
    found = scanFile(file);
    cache.set(file, found);
  }
  return found;
}

function scanFile(file: string): Map<string, ImportedBinding> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  const ext = extname(file);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    const parsed = scanWithAcorn(text);
    if (parsed) return parsed;
  }
  return scanWithRegex(text);
}

type Node = acorn.AnyNode;

function scanWithAcorn(text: string): Map<string, ImportedBinding> | undefined {
  let program: acorn.Program | undefined;
  for (const sourceType of ['module', 'script'] as const) {
    try {
      program = acorn.parse(text, { ecmaVersion: 'latest', sourceType, allowHashBang: true, allowReturnOutsideFunction: sourceType === 'script' });
      break;
    } catch {
      // try the next source type, then fall back to the regex scanner
    }
  }
  if (!program) return undefined;
  const out = new Map<string, ImportedBinding>();
  for (const stmt of program.body) {
    if (stmt.type === 'ImportDeclaration') {
      const specifier = String(stmt.source.value);
      for (const s of stmt.specifiers) {
        const imported =
          s.type === 'ImportNamespaceSpecifier' ? '*'
          : s.type === 'ImportDefaultSpecifier' ? 'default'
          : s.imported.type === 'Identifier' ? s.imported.name : String(s.imported.value);
        out.set(s.local.name, { local: s.local.name, imported, specifier });
      }
    } else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) if (d.init) addRequire(out, d.id, d.init);
    }
  }
  return out;
}

/** `x = require('m')`, `x = __importStar(require('m'))`, `x = require('m').y`, `{ a, b: c } = require('m')`. */
function addRequire(out: Map<string, ImportedBinding>, id: acorn.Pattern, init: Node): void {
  let member: string | undefined;
  if (init.type === 'MemberExpression' && !init.computed && init.property.type === 'Identifier') {
    member = init.property.name;
    init = init.object;
  }
  if (init.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name !== 'require' && init.arguments.length === 1) {
    init = init.arguments[0] as Node; // TS/Babel interop helpers wrap the require call
  }
  if (init.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.callee.name !== 'require') return;
  const arg = init.arguments[0];
  if (!arg || arg.type !== 'Literal' || typeof arg.value !== 'string') return;
  const specifier = arg.value;
  if (id.type === 'Identifier') {
    out.set(id.name, { local: id.name, imported: member ?? '*', specifier });
  } else if (id.type === 'ObjectPattern' && member === undefined) {
    for (const p of id.properties) {
      if (p.type !== 'Property' || p.key.type !== 'Identifier') continue;
      const value = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
      if (value.type === 'Identifier') out.set(value.name, { local: value.name, imported: p.key.name, specifier });
    }
  }
}

const IMPORT_FROM = /\bimport\s+(?!\()([\w$\s{},*]*?(?:[\w$}*]))\s*from\s*(['"])([^'"\n]+)\2/g;
const IMPORT_EQUALS = /\bimport\s+(?!type\b)([\w$]+)\s*=\s*require\s*\(\s*(['"])([^'"\n]+)\2\s*\)/g;
const REQUIRE = /\b(?:const|let|var)\s+([\w$]+|\{[^}]*\})\s*=\s*(?:[\w$]+\s*\(\s*)?require\s*\(\s*(['"])([^'"\n]+)\2\s*\)\s*\)?(?:\.([\w$]+))?/g;

/** Tolerant scanner for TypeScript sources and files acorn rejects. */
function scanWithRegex(text: string): Map<string, ImportedBinding> {
  const code = stripComments(text);
  const out = new Map<string, ImportedBinding>();
  const add = (local: string, imported: string, specifier: string) => out.set(local, { local, imported, specifier });

  for (const m of code.matchAll(IMPORT_FROM)) {
    const clause = m[1]!.trim();
    const specifier = m[3]!;
    if (/^type\s/.test(clause)) continue; // `import type ...` binds no runtime value
    const braces = /\{([^}]*)\}/.exec(clause);
    const head = clause.replace(/\{[^}]*\}/, '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const part of head) {
      const ns = /^\*\s*as\s+([\w$]+)$/.exec(part);
      if (ns) add(ns[1]!, '*', specifier);
      else if (/^[\w$]+$/.test(part)) add(part, 'default', specifier);
    }
    for (const raw of braces ? braces[1]!.split(',') : []) {
      const item = raw.trim();
      if (item === '' || /^type\s/.test(item)) continue;
      const named = /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(item);
      if (named) add(named[2] ?? named[1]!, named[1]!, specifier);
    }
  }
  for (const m of code.matchAll(IMPORT_EQUALS)) add(m[1]!, '*', m[3]!);
  for (const m of code.matchAll(REQUIRE)) {
    const target = m[1]!;
    const member = m[4];
    if (!target.startsWith('{')) {
      add(target, member ?? '*', m[3]!);
      continue;
    }
    for (const raw of target.slice(1, -1).split(',')) {
      const p = /^\s*([\w$]+)\s*(?::\s*([\w$]+))?\s*(?:=.*)?$/.exec(raw);
      if (p) add(p[2] ?? p[1]!, p[1]!, m[3]!);
    }
  }
  return out;
}

/** Drops block comments and line comments that do not follow `:` (keeps 'http://...'). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}
