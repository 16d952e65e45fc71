/** Imports every RDD kind so its executor-side compute is registered. */
import './parallel-collection.js';
import './text-file.js';
import './map-partitions.js';
import './union.js';
import './coalesced.js';
import './shuffled.js';
import './cogrouped.js';
import './combine-local.js';
import './partition-ops.js';
import './zip.js';
import './file-sources.js';
import './checkpoint.js';
import './context-sources.js';
