// Fixture for module-imports.test.ts: an ES module parsed with acorn.
import fs from 'node:fs';
import { join, basename as base } from 'node:path';
import * as os from 'node:os';
import def, { 'string name' as str } from './lib/thing.js';
export const all = [fs, join, base, os, def, str];
