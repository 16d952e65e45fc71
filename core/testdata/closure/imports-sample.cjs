'use strict';
// Fixture for module-imports.test.ts: TypeScript's CommonJS output.
var __importDefault = (this && this.__importDefault) || function (mod) { return mod && mod.__esModule ? mod : { default: mod }; };
Object.defineProperty(exports, '__esModule', { value: true });
const helper_js_1 = require("./helper.js");
const path_1 = __importDefault(require("path"));
const { readFileSync, writeFileSync: write } = require('node:fs');
const sep = require('node:path').sep;
exports.norm = (s) => (0, helper_js_1.norm)(path_1.default.basename(s) + sep + readFileSync + write);
