#!/usr/bin/env node
/** kindling-submit: launches a Kindling application (Spark's spark-submit, client mode). */
import { runSubmitCli } from '../submit-cli.js';

// `kindling-submit --help | head` closes our stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runSubmitCli(process.argv.slice(2));
