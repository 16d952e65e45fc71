// Fixture for module-imports.test.ts: not valid JavaScript, so the regex scanner takes over.
import { kept } from './kept.js';
const x = ;
