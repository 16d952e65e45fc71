// Fixture for module-imports.test.ts: every import form the regex scanner must understand.
import fs from 'node:fs';
import { join, basename as base, type ParsedPath } from 'node:path';
import * as os from 'node:os';
import def, { named } from './lib/thing.js';
import type { Something } from './types.js';
import type Default from './default-type.js';
import {
  multi,
  line as ml,
} from "./multi-line.js";
import './side-effect.js';
import legacy = require('legacy-lib');
const cjs = require('cjs-lib');
const { a, b: renamed } = require('destructured-lib');
// import commented from 'nope';
/* import blockCommented from 'nope'; */
const url = 'http://example.com'; // a URL in a string must not start a comment
export { fs, join, base, os, def, named, multi, ml, legacy, cjs, a, renamed, url };
export type { ParsedPath, Something, Default };
