#!/usr/bin/env node
/** kindling-submit: launches a Kindling application (Spark's spark-submit, client mode). */
import { runSubmitCli } from '../submit-cli.js';

process.exitCode = await runSubmitCli(process.argv.slice(2));
