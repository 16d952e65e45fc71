import type { ImportedBinding } from './module-imports.js';

/** Stable names for the ways a function can depend on something executors do not have. */
export type CaptureKind =
  | 'outer-variable'
  | 'mutated-outer-variable'
  | 'imported-binding'
  | 'this'
  | 'super'
  | 'arguments'
  | 'private-field'
  | 'native-function'
  | 'class';

export interface Capture {
  name: string;
  kind: CaptureKind;
}

/** A capture plus what the message needs to suggest a precise fix. */
export interface CaptureProblem extends Capture {
  binding?: ImportedBinding;
}

/** The text of a ClosureCaptureError: a headline, then one bullet with a fix per capture. */
export function captureErrorMessage(operation: string, callSite: string | undefined, problems: readonly CaptureProblem[]): string {
  const where = callSite ? ` at ${callSite}` : '';
  const bullets = problems.map((p) => `  - ${bullet(operation, p)}`);
  return [`The function passed to ${operation}()${where} cannot be shipped to executors:`, ...bullets].join('\n');
}

const USE_ARROW = 'use an arrow function and pass what you need in env';

function bullet(op: string, p: CaptureProblem): string {
  const { name } = p;
  switch (p.kind) {
    case 'outer-variable':
      if (name === 'import.meta') {
        return `import.meta belongs to the enclosing module; read what you need on the driver and pass it in the environment: rdd.${op}((x, env) => ... env.url ..., { url: import.meta.url })`;
      }
      return `${name} is a variable from an enclosing scope; pass it in the environment: rdd.${op}((x, env) => ... env.${name} ..., { ${name} })`;
    case 'mutated-outer-variable':
      return `${name} is assigned by the function; executors cannot send assignments back; use an accumulator (kc.accumulator) or return the value from the job`;
    case 'imported-binding': {
      const b = p.binding ?? { local: name, imported: '*', specifier: '<module>' };
      const alias = b.imported === '*' ? b.local : moduleAlias(b.specifier);
      const call = b.imported === '*' ? `env.${alias}.<export>(...)` : `env.${alias}.${b.imported}(...)`;
      return `${name} is imported from '${b.specifier}'; pass the module in the environment with { ${alias}: useModule('${b.specifier}') } and call ${call}; or pass the value itself if it is data`;
    }
    case 'this':
      return `this: the function uses \`this\`, which does not exist on executors; ${USE_ARROW}, e.g. { factor: this.factor }`;
    case 'super':
      return `super: the function uses \`super\`, which does not exist on executors; ${USE_ARROW}`;
    case 'arguments':
      return `arguments: the function reads \`arguments\` of an enclosing function, which does not exist on executors; ${USE_ARROW}`;
    case 'private-field':
      return `${name} is a private field of an enclosing class; read it on the driver and pass the value in env`;
    case 'native-function':
      return `${name} is a bound or native function, so its source is not available; wrap it in an arrow function, e.g. (x) => Math.sqrt(x)`;
    case 'class':
      return `${name} is a class constructor; pass a function, and pass class instances as plain data`;
  }
}

/** A readable env key for a module: 'node:path' -> path, './lib/text-utils.js' -> textUtils. */
export function moduleAlias(specifier: string): string {
  const last = specifier.replace(/^node:/, '').replace(/\/+$/, '').split('/').pop() ?? 'mod';
  const base = last.replace(/\.[cm]?[jt]sx?$/, '').replace(/^@/, '');
  const camel = base.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[A-Za-z_$]/.test(camel) ? camel : `mod${camel}`;
}
