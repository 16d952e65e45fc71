import * as acorn from 'acorn';
import { analyze } from 'eslint-scope';

/** A name the function uses but does not declare. */
export interface FreeVariable {
  name: string;
  /** Some reference assigns to it (`x = ...`, `x++`): the assignment would be lost on executors. */
  written: boolean;
}

/** What a function's source text depends on besides its parameters and locals. */
export interface FreeVariableReport {
  /** The source to ship: `fn.toString()`, or for a computed-key method, a renamed copy. */
  source: string;
  /** 'method' for method shorthand, getters and setters (`m(x) { ... }`), else 'expression'. */
  form: 'expression' | 'method';
  /** Unresolved identifiers in source order, without `arguments`. */
  freeVariables: FreeVariable[];
  usesThis: boolean;
  usesSuper: boolean;
  /** An arrow at top level reads `arguments` of whatever function encloses it. */
  usesArguments: boolean;
  usesImportMeta: boolean;
  /** `#names` used but declared by a class outside the function. */
  privateNames: string[];
  /** Bound or built-in function: `function () { [native code] }`, no usable source. */
  isNative: boolean;
  isClass: boolean;
  /** Set when the source does not parse as a strict-mode function or method. */
  parseError?: string;
}

// Parsed as strict code because executors compile it in strict mode: sloppy-only syntax fails here.
const STRICT = '"use strict";';
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const CACHE_LIMIT = 2000;
const cache = new Map<string, FreeVariableReport>();

/** Analyse `fn.toString()`; results are cached per source text. */
export function freeVariables(source: string): FreeVariableReport {
  let report = cache.get(source);
  if (!report) {
    report = analyseSource(source);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(source, report);
  }
  return report;
}

function emptyReport(source: string): FreeVariableReport {
  return {
    source, form: 'expression', freeVariables: [], usesThis: false, usesSuper: false,
    usesArguments: false, usesImportMeta: false, privateNames: [], isNative: false, isClass: false,
  };
}

function analyseSource(source: string): FreeVariableReport {
  const report = emptyReport(source);
  if (NATIVE.test(source)) return { ...report, isNative: true };
  if (/^class[\s{]/.test(source)) return { ...report, isClass: true };

  const parsed = parseFunction(source);
  if ('error' in parsed) return { ...report, parseError: parsed.error };
  const { program, fn, form, offset } = parsed;
  report.form = form;

  // A computed method key (`[k](x) {...}`) is evaluated where the object was built, not in the
  // function: ship the method under a plain name so neither analysis nor compilation sees `k`.
  if (form === 'method' && parsed.property?.computed) {
    const p = parsed.property;
    const prefix = (p.kind !== 'init' ? `${p.kind} ` : '') + (fn.async ? 'async ' : '') + (fn.generator ? '*' : '');
    return analyseSource(`${prefix}method${source.slice(fn.start - offset)}`);
  }

  const manager = analyze(program as unknown as Parameters<typeof analyze>[0], { ecmaVersion: 2026, sourceType: 'script' });
  const byName = new Map<string, FreeVariable>();
  for (const ref of manager.globalScope!.through) {
    const name = ref.identifier.name;
    if (name === 'arguments') {
      report.usesArguments = true;
      continue;
    }
    const seen = byName.get(name);
    if (seen) seen.written ||= ref.isWrite();
    else byName.set(name, { name, written: ref.isWrite() });
  }
  report.freeVariables = [...byName.values()];
  walkContexts(fn, report);
  return report;
}

type FunctionNode = acorn.FunctionExpression | acorn.ArrowFunctionExpression;

interface Parsed {
  program: acorn.Program;
  fn: FunctionNode;
  form: 'expression' | 'method';
  property?: acorn.Property;
  offset: number;
}

/** Parse as `(src)`, or as `({ src })` for method shorthand; module mode only for import.meta. */
function parseFunction(source: string): Parsed | { error: string } {
  let firstError: string | undefined;
  for (const form of ['expression', 'method'] as const) {
    const head = form === 'expression' ? `${STRICT}(` : `${STRICT}({`;
    const text = `${head}${source}\n${form === 'expression' ? ')' : '})'}`;
    for (const sourceType of ['script', 'module'] as const) {
      try {
        const program = acorn.parse(text, {
          ecmaVersion: 'latest', sourceType, ranges: true, allowSuperOutsideMethod: true, checkPrivateFields: false,
        });
        const found = topFunction(program, form);
        if (found) return { program, ...found, form, offset: head.length };
      } catch (e) {
        firstError ??= (e as Error).message;
      }
    }
  }
  return { error: firstError ?? 'not a function' };
}

function topFunction(program: acorn.Program, form: 'expression' | 'method'): { fn: FunctionNode; property?: acorn.Property } | undefined {
  if (program.body.length !== 2) return undefined;
  const stmt = program.body[1]!;
  if (stmt.type !== 'ExpressionStatement') return undefined;
  const expr = stmt.expression;
  if (form === 'expression') {
    if (expr.type === 'ArrowFunctionExpression' || expr.type === 'FunctionExpression') return { fn: expr };
    return undefined;
  }
  if (expr.type !== 'ObjectExpression' || expr.properties.length !== 1) return undefined;
  const property = expr.properties[0]!;
  if (property.type !== 'Property' || property.value.type !== 'FunctionExpression') return undefined;
  if (!property.method && property.kind === 'init') return undefined;
  return { fn: property.value, property };
}

interface Context {
  /** Node that binds `this` for the code being walked; null above the shipped function. */
  thisOwner: acorn.AnyNode | null;
  /** Node whose home object `super` refers to. */
  superOwner: acorn.AnyNode | null;
  privates: ReadonlyArray<ReadonlySet<string>>;
}

/**
 * eslint-scope resolves variables but not `this`, `super` or private names; find those that
 * refer to something outside the shipped function by tracking which node binds each of them.
 */
function walkContexts(fn: FunctionNode, report: FreeVariableReport): void {
  const privateNames = new Set<string>();
  const top: Context = { thisOwner: null, superOwner: null, privates: [] };
  const outside = (owner: acorn.AnyNode | null) => owner === null || owner === fn;

  const visit = (node: acorn.AnyNode, ctx: Context, method = false): void => {
    switch (node.type) {
      case 'ThisExpression':
        if (outside(ctx.thisOwner)) report.usesThis = true;
        return;
      case 'Super':
        if (outside(ctx.superOwner)) report.usesSuper = true;
        return;
      case 'MetaProperty':
        if (node.meta.name === 'import') report.usesImportMeta = true;
        return;
      case 'PrivateIdentifier':
        if (!ctx.privates.some((s) => s.has(node.name))) privateNames.add(`#${node.name}`);
        return;
      case 'FunctionExpression':
      case 'FunctionDeclaration':
        ctx = { ...ctx, thisOwner: node, superOwner: method ? node : null };
        break;
      case 'ClassBody': {
        const declared = new Set<string>();
        for (const el of node.body) {
          if ((el.type === 'MethodDefinition' || el.type === 'PropertyDefinition') && el.key.type === 'PrivateIdentifier') {
            declared.add(el.key.name);
          }
        }
        ctx = { ...ctx, privates: [...ctx.privates, declared] };
        break;
      }
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'Property': {
        if (node.computed) visit(node.key, ctx);
        const isMethod = node.type === 'MethodDefinition' || (node.type === 'Property' && (node.method || node.kind !== 'init'));
        if (node.type === 'PropertyDefinition') {
          // Field initialisers run with `this` = the instance and `super` = the class's home object.
          if (node.value) visit(node.value, { ...ctx, thisOwner: node, superOwner: node });
        } else {
          visit(node.value as acorn.AnyNode, ctx, isMethod);
        }
        return;
      }
      case 'StaticBlock':
        ctx = { ...ctx, thisOwner: node, superOwner: node };
        break;
    }
    for (const child of children(node)) visit(child, ctx);
  };

  visit(fn, top, fn.type === 'FunctionExpression' && report.form === 'method');
  report.privateNames = [...privateNames];
}

function children(node: acorn.AnyNode): acorn.AnyNode[] {
  const out: acorn.AnyNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'range' || key === 'loc') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === 'string') out.push(v);
    } else if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      out.push(value as acorn.AnyNode);
    }
  }
  return out;
}
